// common.mjs - what source.mjs and journalist.mjs share: reading the
// environment, the ok/FAIL counters, launching headless Debian chromium
// with JavaScript off and nothing leaving loopback, watching every
// response for the security headers of DESIGN.md, and the checks made on
// every page (no <script>, the style sheet applied, a screenshot).
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import path from 'node:path';

export const env = (k) => {
	if (!process.env[k]) { console.log(`FAIL: ${k} not set`); process.exit(2); }
	return process.env[k];
};

export function loopbackOnly(base, name) {
	if (!/^http:\/\/127\.0\.0\.1:\d+$/.test(base)) {
		console.log(`FAIL: ${name} must be a loopback URL: ${base}`);
		process.exit(2);
	}
}

export const count = { passed: 0, failed: 0 };
export const ok = (m) => { count.passed++; console.log(`ok: ${m}`); };
export const ko = (m) => { count.failed++; console.log(`FAIL: ${m}`); };
export const check = (cond, m, why = '') => (cond ? ok(m) : ko(why ? `${m}: ${why}` : m));

const WANT_HEADERS = {
	'content-security-policy': "default-src 'none'; style-src 'self'; img-src 'self'; " +
		"form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
	'referrer-policy': 'no-referrer',
	'x-content-type-options': 'nosniff',
	'cache-control': 'no-store',
	'cross-origin-opener-policy': 'same-origin',
};

// A browser on base with a fresh profile in work; returns what the checks
// at the end need.
export async function launch({ base, work, chromium: exe, viewport, downloads }) {
	const profile = fs.mkdtempSync(path.join(work, 'profile-'));
	const ctx = await chromium.launchPersistentContext(profile, {
		executablePath: exe || '/usr/bin/chromium',
		headless: true,
		javaScriptEnabled: false,
		// No proxy, so nothing leaves loopback whatever the environment says.
		args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
			'--disable-background-networking', '--disable-component-update', '--disable-sync',
			'--no-proxy-server'],
		viewport,
		acceptDownloads: !!downloads,
		timeout: 30000,
	});
	ctx.setDefaultTimeout(30000);
	ctx.setDefaultNavigationTimeout(60000);
	const b = { ctx, outside: [], headerChecks: [], nresp: 0 };
	// Observed, not intercepted: the browser's own network stack does the work.
	ctx.on('request', (rq) => { if (!rq.url().startsWith(base + '/')) b.outside.push(rq.url()); });
	b.page = ctx.pages()[0] || await ctx.newPage();
	b.page.on('response', (resp) => {
		b.nresp++;
		b.headerChecks.push((async () => {
			const h = await resp.allHeaders();
			const what = `${resp.request().method()} ${new URL(resp.url()).pathname} ${resp.status()}`;
			const bad = [];
			for (const [k, v] of Object.entries(WANT_HEADERS))
				if (h[k] !== v) bad.push(`${k}=${JSON.stringify(h[k])}`);
			if ('server' in h) bad.push(`server=${JSON.stringify(h.server)}`);
			return bad.length ? `${what}: ${bad.join(', ')}` : null;
		})());
	});
	return b;
}

// Screenshot FILE of the page, then the checks every page passes.
export async function pageChecks(page, name, file) {
	await page.screenshot({ path: file, fullPage: true });
	const scripts = await page.locator('script').count();
	check(scripts === 0, `${name}: no <script> element`, `${scripts} found`);
	// evaluate() runs in Playwright's utility world, allowed with JS disabled.
	const css = await page.evaluate(() => document.styleSheets.length).catch(() => -1);
	check(css >= 1, `${name}: the style sheet is applied`, `styleSheets=${css}`);
}

// The checks over the whole run, then close the browser.
export async function finish(b) {
	const bad = (await Promise.all(b.headerChecks)).filter(Boolean);
	check(b.nresp >= 10 && bad.length === 0,
		`every response (${b.nresp}) has exactly the security headers and no Server`,
		bad.slice(0, 5).join(' | '));
	check(b.outside.length === 0, 'no request outside the daemon', b.outside.slice(0, 5).join(' '));
	await b.ctx.close();
}
