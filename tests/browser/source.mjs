// Real-browser test of sealdrop-source, run by browser.sh (which starts the
// daemon and passes everything in the environment). Headless Debian chromium
// driven by playwright-core, JavaScript DISABLED, does what a source does in
// Tor Browser at "Safest": landing -> codename -> submit a message and three
// files -> log out -> log in with the codename -> read a reply -> delete it ->
// switch to French -> log out. Every page: no <script> element; every
// response: exactly the security headers of DESIGN.md and no Server header.
// A screenshot of each page goes to $SHOTS. Prints "ok: ..." / "FAIL: ..."
// lines; exit status 0 only when nothing failed.
import { env, loopbackOnly, count, ok, ko, check, launch, pageChecks, finish } from './common.mjs';
import { execFileSync, spawnSync } from 'node:child_process';
import { randomFillSync } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

const BASE = env('SD_BASE');          // http://127.0.0.1:PORT (loopback only)
const WORK = env('SD_WORK');          // scratch dir (instance, uploads, profile)
const INST = env('SD_INSTANCE');
const SHOTS = env('SD_SHOTS');
const SDREPLY = env('SD_SDREPLY');
const SDCAT = env('SD_SDCAT');
const KEY = env('SD_KEY');
const PASS = env('SD_PASS');
const CHROMIUM = process.env.SD_CHROMIUM || '/usr/bin/chromium';
const BIG_MIB = Number(process.env.SD_BIG_MIB || 20);

loopbackOnly(BASE, 'SD_BASE');



// --- the files a source uploads -------------------------------------------------
const up = path.join(WORK, 'up');
fs.mkdirSync(up, { recursive: true });
const files = {
	'empty.txt': Buffer.alloc(0),
	'petit fichier.txt': Buffer.from('A small file: ünïcode, <tags> & quotes "\'.\n'),
	'big.bin': randomFillSync(Buffer.alloc(BIG_MIB * 1024 * 1024)),
};
for (const [name, data] of Object.entries(files)) fs.writeFileSync(path.join(up, name), data);
const message = 'Bonjour. A message typed in a real browser, with <html> & ünïcode.\nSecond line.';

// --- browser --------------------------------------------------------------------
const br = await launch({ base: BASE, work: WORK, chromium: CHROMIUM,
	viewport: { width: 1024, height: 768 } });
const page = br.page;

let shot = 0;
async function pageDone(name) {
	shot++;
	const file = path.join(SHOTS, `${String(shot).padStart(2, '0')}-${name}.png`);
	await pageChecks(page, name, file);
	return file;
}
const pathOf = () => new URL(page.url()).pathname;

try {
	// 1. landing
	let r = await page.goto(BASE + '/');
	check(r.status() === 200, 'landing page 200', String(r.status()));
	check(await page.locator('form[action="/generate"] button').count() === 1, 'landing offers a codename');
	check(await page.evaluate(() => document.documentElement.lang) === 'en', 'landing in English');
	await pageDone('landing');

	// 2. get a codename
	await page.locator('form[action="/generate"] button[type=submit]').click();
	await page.waitForLoadState();
	const codename = (await page.locator('#codename').textContent() || '').trim();
	check(codename.split(/\s+/).length === 7, 'codename of 7 words shown in #codename', JSON.stringify(codename));
	const codeFile = path.join(WORK, 'codename');
	fs.writeFileSync(codeFile, codename + '\n');
	await pageDone('codename');

	// 3. continue to the submit page
	await page.locator('a[href="/lookup"]').first().click();
	await page.waitForLoadState();
	check(pathOf() === '/lookup', 'continue leads to /lookup', pathOf());
	check(await page.locator('textarea[name=message]').count() === 1, 'submit form shown');
	await pageDone('lookup-empty');

	// 4. submit a message and three files through the file input
	await page.locator('textarea[name=message]').fill(message);
	await page.locator('input[type=file][name=files]').setInputFiles(
		Object.keys(files).map((n) => path.join(up, n)));
	const t0 = Date.now();
	await page.locator('form.submit button[type=submit]').click();
	await page.waitForLoadState();
	check(pathOf() === '/lookup', 'after submitting: back on /lookup', pathOf());
	const flash = await page.locator('.flash').textContent().catch(() => null);
	check(!!flash, 'a confirmation is shown', 'no .flash element');
	console.log(`# upload of ${BIG_MIB} MiB + 2 files took ${Date.now() - t0} ms`);
	await pageDone('submitted');

	// 5. log out
	await page.locator('header form.logout button').click();
	await page.waitForLoadState();
	check(await page.locator('#logged-out').count() === 1, 'logout shows the logged-out page', pathOf());
	await pageDone('logged-out');
	r = await page.goto(BASE + '/lookup');
	check(pathOf() === '/', '/lookup after logout goes back to the landing page', pathOf());

	// 6. a reply sealed by the test helper, then log in again with the codename
	execFileSync(SDREPLY, [INST, codeFile, 'Thank you. Reply from a journalist with <tags> & ünïcode.'],
		{ stdio: ['ignore', 'inherit', 'inherit'] });
	await page.locator('#login-codename').fill(codename);
	await page.locator('form[action="/login"] button[type=submit]').click();
	await page.waitForLoadState();
	check(pathOf() === '/lookup', 'login with the codename', pathOf());
	const replyText = await page.locator('.reply .text').first().textContent().catch(() => null);
	check(replyText === 'Thank you. Reply from a journalist with <tags> & ünïcode.',
		'the reply is shown, escaped, exactly', JSON.stringify(replyText));
	await pageDone('reply');

	// 7. delete it
	const rid = await page.locator('.reply input[name=reply_id]').first().getAttribute('value').catch(() => null);
	const rfile = rid ? fs.readdirSync(path.join(INST, 'spool'), { recursive: true })
		.find((f) => f.endsWith(`${rid}.sdbox`)) : null;
	check(!!rfile, 'the reply file exists in the spool');
	await page.locator('.reply form[action="/reply/delete"] button').first().click();
	await page.waitForLoadState();
	check(pathOf() === '/lookup', 'delete leads back to /lookup', pathOf());
	check(await page.locator('.reply').count() === 0, 'the reply is gone from the page');
	check(rfile && !fs.existsSync(path.join(INST, 'spool', rfile)), 'the reply file is gone from the spool');
	await pageDone('reply-deleted');

	// 8. switch to French (the language links are plain links)
	await page.locator('nav.langs a[hreflang=fr]').click();
	await page.waitForLoadState();
	const lang = await page.evaluate(() => document.documentElement.lang);
	const body = await page.locator('body').innerText();
	check(pathOf() === '/lookup', 'language switch stays on /lookup', pathOf());
	check(lang === 'fr', 'page is French (<html lang="fr">)', lang);
	check(/Se déconnecter|Envoyer|Réponses|Fichiers/.test(body) && !/\bLog out\b/.test(body),
		'page text is French', body.slice(0, 200));
	await pageDone('lookup-fr');

	// 9. log out (in French)
	await page.locator('header form.logout button').click();
	await page.waitForLoadState();
	check(await page.locator('#logged-out').count() === 1, 'logout shows the logged-out page', pathOf());
	check(await page.evaluate(() => document.documentElement.lang) === 'fr', 'the logged-out page stays French');
	await pageDone('logged-out-fr');

	// 10. a narrow window (a phone, or Tor Browser letterboxing): no sideways scrolling
	await page.setViewportSize({ width: 360, height: 740 });
	r = await page.goto(BASE + '/');
	const over = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
	check(over <= 0, 'landing at 360 px wide: no horizontal overflow', `${over} px too wide`);
	await pageDone('landing-narrow');
} catch (e) {
	ko(`browser flow stopped: ${e && e.message ? e.message.split('\n')[0] : e}`);
	try { await page.screenshot({ path: path.join(SHOTS, 'zz-failure.png'), fullPage: true }); } catch { }
}

await finish(br);

// --- every spool file decrypts to what was uploaded ---------------------------------
const sdboxes = [];
for (const d of fs.readdirSync(path.join(INST, 'spool'), { withFileTypes: true })) {
	if (!d.isDirectory() || d.name === 'tmp') continue;
	/* <source>/<item>.sdbox (a reply) or <source>/<batch>/<item>.sdbox */
	for (const f of fs.readdirSync(path.join(INST, 'spool', d.name), { recursive: true }))
		if (f.endsWith('.sdbox')) sdboxes.push(path.join(INST, 'spool', d.name, f));
}
check(fs.readdirSync(path.join(INST, 'spool', 'tmp', 'source')).length === 0, 'spool/tmp/source is empty');
const seen = {};
for (const f of sdboxes) {
	const r = spawnSync(SDCAT, [KEY, PASS, f], { stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 30 });
	const out = r.stdout, meta = r.stderr.toString();
	if (r.status !== 0) { ko(`sdcat ${f}: ${meta.trim()}`); continue; }
	const m = /^kind=(\d+) name=(.*) mime=(.*) ref=/m.exec(meta);
	if (!m) { ko(`sdcat metadata of ${f}: ${meta}`); continue; }
	const [, kind, name] = m;
	if (kind === '1') {
		// Browsers send textarea line breaks as CRLF (HTML form submission).
		const want = message.replace(/\n/g, '\r\n');
		const got = out.toString();
		check(got === want || got === message, 'the message decrypts exactly', JSON.stringify(got.slice(0, 80)));
		seen.message = true;
	} else if (kind === '2' && name in files) {
		check(Buffer.compare(out, files[name]) === 0, `${name} decrypts exactly (${files[name].length} bytes, name kept)`);
		seen[name] = true;
	} else {
		ko(`unexpected spool item: ${meta.trim()}`);
	}
}
check(sdboxes.length === 4, 'four items in the spool (message and three files)', String(sdboxes.length));
for (const n of ['message', ...Object.keys(files)]) if (!seen[n]) ko(`${n} not found in the spool`);

console.log(`screenshots: ${SHOTS}`);
console.log(`${count.passed} passed, ${count.failed} failed`);
process.exit(count.failed === 0 ? 0 : 1);
