// Real-browser test of sealdrop-journalist, run by browser.sh after
// source.mjs (the source's submission is in the instance). Headless Debian
// chromium driven by playwright-core, JavaScript DISABLED: log in with a
// passphrase and a TOTP code from oathtool -> asked for a new passphrase,
// shown once -> the sources list -> the
// source -> download a bundle (opened by sealdrop-open) -> reply -> mark
// unread -> account page: enrol a new second factor from the QR code (a
// PNG, as Tor Browser at "Safest" may not show SVG) -> admin pages -> French -> delete the source behind its
// confirmation -> log out. Every page: no <script>, the style sheet
// applied; every response: the security headers and no Server header.
// Prints "ok: ..." / "FAIL: ..."; exit status 0 only when nothing failed.
import { env, loopbackOnly, count, ok, ko, check, launch, pageChecks, finish } from './common.mjs';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const BASE = env('SD_JBASE');         // http://127.0.0.1:PORT (loopback only)
const WORK = env('SD_WORK');
const INST = env('SD_INSTANCE');
const SHOTS = env('SD_SHOTS');
const USER = env('SD_JUSER');
const UPASS = env('SD_JPASS');
const SECRET = env('SD_JSECRET');
const OPENER = env('SD_OPENER');
const KEY = env('SD_KEY');
const PASS = env('SD_PASS');
const CHROMIUM = process.env.SD_CHROMIUM || '/usr/bin/chromium';

loopbackOnly(BASE, 'SD_JBASE');

const totp = (secret, offset = 0) => execFileSync('oathtool',
	['--totp', '-b', secret, '-N', `now + ${offset} seconds`]).toString().trim();


const br = await launch({ base: BASE, work: WORK, chromium: CHROMIUM,
	viewport: { width: 1100, height: 800 }, downloads: true });
const page = br.page;

let shot = 20;
async function pageDone(name) {
	shot++;
	await pageChecks(page, name, path.join(SHOTS, `${shot}-j-${name}.png`));
}
const pathOf = () => new URL(page.url()).pathname;
const submit = async (sel) => { await page.locator(sel).first().click(); await page.waitForLoadState(); };

try {
	// 1. login page, then log in
	let r = await page.goto(BASE + '/');
	check(pathOf() === '/login', '/ leads to the login page', pathOf());
	await pageDone('login');
	await page.locator('#username').fill(USER);
	await page.locator('#passphrase').fill(UPASS);
	await page.locator('#code').fill(totp(SECRET));
	await submit('form[action="/login"] button[type=submit]');
	// An admin made this account and saw its passphrase: the first login
	// asks for a new one, generated and shown once.
	check(pathOf() === '/account', 'the first login leads to the account page', pathOf());
	check(await page.locator('#must-change').count() === 1, 'it asks for a new passphrase');
	await pageDone('must-change');
	await page.locator('#pw-current').fill(UPASS);
	await submit('form[action="/account/passphrase"] button[type=submit]');
	const newPass = ((await page.locator('#passphrase-new').textContent()) || '').trim();
	check(newPass.split(' ').length === 7 && newPass !== UPASS, 'a new passphrase of 7 words is shown', String(newPass.split(' ').length));
	check(await page.locator('#must-change').count() === 0, 'the request to change it is gone');
	await pageDone('passphrase-new');
	await page.goto(BASE + '/sources');
	check(pathOf() === '/sources', 'then the sources list', pathOf());

	// 2. the list: one source with unread submissions
	const rows = page.locator('#sources tbody tr');
	check(await rows.count() === 1, 'one source listed', String(await rows.count()));
	check(await page.locator('#sources tr.unread').count() === 1, 'it is shown as unread');
	const designation = (await page.locator('#sources a.designation').first().textContent() || '').trim();
	check(/^[a-z]+-[a-z]+$/.test(designation), 'listed by a two-word designation', designation);
	await pageDone('sources');

	// 3. the source: four items (message, three files) and the read receipt
	// of the reply source.mjs read and deleted (no content, no download)
	await submit('#sources a.designation');
	check(pathOf().startsWith('/source/'), 'the source page', pathOf());
	const sid = pathOf().split('/')[2];
	check(await page.locator('#items tbody tr').count() === 5, 'four items and a read receipt on the source page',
		String(await page.locator('#items tbody tr').count()));
	check(await page.locator('#items td.receipt').count() === 1 &&
		/read and deleted by the source/.test(await page.locator('#items td.receipt').textContent()),
		'the deleted reply reads "read and deleted by the source"');
	check(await page.locator('#items tbody tr:has(td.receipt) a[download]').count() === 0,
		'the read receipt offers no download');
	await pageDone('source');

	// 4. download everything as a bundle and open it
	const [dl] = await Promise.all([page.waitForEvent('download'),
		page.locator('button[name=action][value=download_all]').first().click()]);
	const tarPath = path.join(WORK, 'bundle.tar');
	await dl.saveAs(tarPath);
	check(dl.suggestedFilename() === 'sealdrop-bundle.tar', 'the bundle is offered as a .tar',
		dl.suggestedFilename());
	const out = path.join(WORK, 'opened');
	try {
		execFileSync(OPENER, ['--key', KEY, '--passphrase-file', PASS, '--out', out, tarPath],
			{ stdio: ['ignore', 'pipe', 'pipe'] });
		ok('sealdrop-open opens the downloaded bundle');
	} catch (e) {
		ko(`sealdrop-open: ${e.stderr ? e.stderr.toString().split('\n').slice(-3).join(' ') : e}`);
	}

	// 5. reply
	await page.goto(BASE + `/source/${sid}`);
	check(await page.locator('#items tr.unread').count() === 0, 'bundled items are no longer unread');
	await page.locator('#reply').fill('Thank you, we read it. <b>Not bold</b> & ünïcode.');
	await submit('form[action$="/reply"] button[type=submit]');
	check(pathOf() === `/source/${sid}`, 'the reply leads back to the source', pathOf());
	check(/reply was sent/i.test(await page.locator('.flash').textContent().catch(() => '')),
		'a confirmation is shown');
	check(await page.locator('#items tbody tr').count() === 6, 'the reply is listed');
	await pageDone('replied');

	// 6. mark one item unread again
	await page.locator('#items input[name=item]').first().check();
	await submit('button[name=action][value=unseen]');
	check(await page.locator('#items tr.unread').count() === 1, 'one item unread again');

	// 7. account: enrol a new second factor
	await page.goto(BASE + '/account');
	await pageDone('account');
	await submit('form[action="/account/totp"] button[type=submit]');
	check(await page.locator('#enrol img.qr[src="/account/qr.png"]').count() === 1, 'the QR code is a PNG image');
	check(await page.locator('#enrol svg').count() === 0, 'no SVG on the page');
	{
		const qr = await page.request.get(BASE + '/account/qr.png');
		const body = await qr.body();
		check(qr.status() === 200 && qr.headers()['content-type'] === 'image/png' &&
			body.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
			'the browser gets the QR code as a PNG', String(qr.status()));
	}
	const newSecret = ((await page.locator('#totp-secret').textContent()) || '').trim();
	check(/^[A-Z2-7]{32}$/.test(newSecret), 'the new secret is shown as base32', newSecret);
	await pageDone('enrol');
	await page.locator('#enrol #passphrase').fill(newPass);
	await page.locator('#enrol #code').fill(totp(newSecret));
	await submit('#enrol form button[type=submit]');
	check(/new two-factor code is set up/i.test(await page.locator('.flash').textContent().catch(() => '')),
		'the new code replaced the old one');
	fs.writeFileSync(path.join(WORK, 'new-secret'), newSecret + '\n');

	// 8. the admin pages
	for (const p of ['/admin/journalists', '/admin/recipients', '/admin/settings', '/admin/audit']) {
		r = await page.goto(BASE + p);
		check(r.status() === 200, `${p} is shown to an admin`, String(r.status()));
		await pageDone(p.slice(7));
	}
	const audit = await page.locator('body').innerText();
	check(/downloaded/i.test(audit) && /reply/i.test(audit), 'the audit log shows the actions');
	check(!/Not bold|ünïcode/.test(audit), 'the audit log holds nothing a source or reply said');

	// 9. French
	await page.goto(BASE + '/?lang=fr');
	check(pathOf() === '/sources', 'the language link leads back to the list', pathOf());
	check(await page.evaluate(() => document.documentElement.lang) === 'fr', 'page is French (<html lang="fr">)');
	const body = await page.locator('body').innerText();
	check(/Se déconnecter/.test(body) && !/\bLog out\b/.test(body), 'page text is French', body.slice(0, 200));
	await pageDone('sources-fr');
	// triage after a flood: "never replied" leaves this (replied) source out
	await page.locator('#triage-nr').check();
	await submit('form[action="/sources/triage"] button[type=submit]');
	check(pathOf() === '/sources/triage' && /Aucune source ne correspond/.test(await page.locator('main').innerText()),
		'triage: no source matches "never replied"', pathOf());
	await pageDone('triage-fr');
	await page.goto(BASE + `/source/${sid}`);
	check(/lue et supprimée par la source/.test(await page.locator('#items').innerText()),
		'the read receipt in French');
	await pageDone('source-fr');

	// 10. delete the source, behind a confirmation
	await page.goto(BASE + `/source/${sid}`);
	await submit('form[action$="/delete"] button[type=submit]');
	check(await page.locator('#confirm').count() === 1, 'deleting asks for confirmation');
	await pageDone('confirm-fr');
	check(fs.existsSync(path.join(INST, 'spool', sid)), 'nothing deleted before confirming');
	await submit('#confirm');
	check(pathOf() === '/sources', 'back on the list', pathOf());
	check(!fs.existsSync(path.join(INST, 'spool', sid)), 'the source is gone from the spool');
	check(await page.locator('#sources tbody tr').count() === 0, 'the list is empty');
	await pageDone('deleted-fr');

	// 11. log out
	await submit('header form.logout button');
	check(pathOf() === '/login', 'logout leads to the login page', pathOf());
	r = await page.goto(BASE + '/sources');
	check(pathOf() === '/login', 'the list needs a login again', pathOf());
} catch (e) {
	ko(`browser flow stopped: ${e && e.message ? e.message.split('\n')[0] : e}`);
	try { await page.screenshot({ path: path.join(SHOTS, 'zz-j-failure.png'), fullPage: true }); } catch { }
}

await finish(br);
console.log(`${count.passed} passed, ${count.failed} failed`);
process.exit(count.failed === 0 ? 0 : 1);
