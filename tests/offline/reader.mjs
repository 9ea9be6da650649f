// reader.mjs - the offline reader (DIR/index.html) in Debian's chromium,
// headless, JavaScript off, from file:// only: every page reached from
// DIR/index.html by its links is rendered and screenshot, has no <script>
// element and its style applied, fits a laptop screen's width; every link
// resolves to a file inside DIR; no request leaves file:// DIR; the hostile
// message (HTML, bidi overrides, 1 MB of text) is shown as text.
// env: READER_DIR, SHOTS, PLAYWRIGHT_CORE (path to its index.mjs), CHROMIUM
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL, fileURLToPath } from 'node:url';

const env = (k) => { if (!process.env[k]) { console.log(`FAIL: ${k} not set`); process.exit(2); } return process.env[k]; };
const dir = fs.realpathSync(env('READER_DIR'));
const shots = env('SHOTS');
const { chromium } = await import(pathToFileURL(env('PLAYWRIGHT_CORE')).href);
let passed = 0, failed = 0;
const check = (c, m, why = '') => { if (c) { passed++; console.log(`ok: ${m}`); } else { failed++; console.log(`FAIL: ${m}${why ? ': ' + why : ''}`); } };

const profile = fs.mkdtempSync(path.join(shots, 'profile-'));
const ctx = await chromium.launchPersistentContext(profile, {
	executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
	headless: true,
	javaScriptEnabled: false,
	args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run',
		'--disable-background-networking', '--disable-component-update', '--disable-sync',
		'--no-proxy-server'],
	viewport: { width: 1366, height: 768 },
	timeout: 30000,
});
ctx.setDefaultTimeout(30000);
const outside = [];
const root = pathToFileURL(dir + '/').href;
ctx.on('request', (rq) => { if (!rq.url().startsWith(root)) outside.push(rq.url()); });
const page = ctx.pages()[0] || await ctx.newPage();

const seen = new Set();
const queue = [root + 'index.html'];
let n = 0;
const texts = {};
while (queue.length > 0 && n < 200) {
	const url = queue.shift();
	if (seen.has(url)) continue;
	seen.add(url);
	n++;
	const rel = url.slice(root.length);
	const resp = await page.goto(url);
	check(resp === null || resp.ok(), `${rel}: loads`);
	const name = `${String(n).padStart(2, '0')}-${rel.replace(/[^A-Za-z0-9.-]/g, '_')}.png`;
	await page.screenshot({ path: path.join(shots, name), fullPage: rel.indexOf('s-') < 0 });
	check(await page.locator('script').count() === 0, `${rel}: no <script> element`);
	const css = await page.evaluate(() => document.styleSheets.length).catch(() => -1);
	check(css >= 1, `${rel}: its style is applied`, `styleSheets=${css}`);
	const wide = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
	check(wide <= 1, `${rel}: fits 1366 px wide`, `${wide} px too wide`);
	const lang = await page.evaluate(() => document.documentElement.lang);
	texts[rel] = { lang, body: await page.evaluate(() => document.body.innerText) };
	for (const href of await page.evaluate(() => [...document.querySelectorAll('a[href]')].map((a) => a.href))) {
		const u = href.split('#')[0];
		if (!u.startsWith(root)) { check(false, `${rel}: link inside the folder`, href); continue; }
		const f = fileURLToPath(u);
		if (!fs.existsSync(f)) { check(false, `${rel}: link resolves`, href); continue; }
		if (u.endsWith('.html') && fs.realpathSync(f).startsWith(dir + '/reader/') || u === root + 'index.html')
			queue.push(u);
		else if (!seen.has(u)) { seen.add(u); passed++; }
	}
	if (rel === 'reader/en/s-0123456789abcdef0123456789abcdef.html') {
		const pre = page.locator('pre.text');
		const t = await pre.allInnerTexts();
		const hostile = t.find((x) => x.includes('SDHOSTILE'));
		if (hostile === undefined) { check(false, `${rel}: the hostile message is there`); continue; }
		check(hostile.includes('<script>alert("SDHOSTILE")</script>') && hostile.includes('<img src=x onerror=alert(1)>'),
			`${rel}: HTML in a message shown as text`);
		check(hostile.includes('[U+202E]') && hostile.includes('[U+2067]') && !hostile.includes('\u202e'),
			`${rel}: bidi overrides shown as [U+....]`);
		check(hostile.length >= 1000000, `${rel}: 1 MB of text shown`, `${hostile.length} characters`);
		check(await page.locator('main img, main iframe, main object, main embed').count() === 0,
			`${rel}: no element made from a message`);
		check(await page.locator('p.note').count() >= 1, `${rel}: the marks are explained`);
	}
}
check(n >= 8 && seen.has(root + 'reader/en/s-0123456789abcdef0123456789abcdef.html'), `every page reached (${n})`);
const fr = Object.entries(texts).find(([k]) => k.startsWith('reader/fr/index'));
check(fr && fr[1].lang === 'fr' && fr[1].body.includes('Dernière activité') && fr[1].body.includes('lecteur hors ligne'),
	'the French index is in French', fr ? fr[1].body.slice(0, 200) : 'missing');
const fail = Object.entries(texts).find(([k]) => k === 'reader/en/failed.html');
check(fail && fail[1].body.includes('truncated'), 'the failed page says why', fail ? fail[1].body.slice(0, 300) : 'missing');
check(outside.length === 0, 'nothing loaded from outside the folder', outside.slice(0, 5).join(' '));
await ctx.close();
fs.rmSync(profile, { recursive: true, force: true, maxRetries: 3 });
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
