#!/usr/bin/env node
/* Every page in a real browser: a small demo district built by the real
 * binary, every account of it signed in (and the family access code, and a
 * visitor who is not signed in), every GET route that account may open
 * (the route table, `edbridge serve --list-routes`, drives the list; :params
 * are filled from the links the pages show), each at 1280x800 and 375x812.
 *
 * A page fails on: an axe-core violation tagged WCAG 2.1 A/AA; the page
 * scrolling sideways; markup escaped into visible text; a 5xx; a same-site
 * link answering >= 400; HTML over its size budget (BUDGETS below).
 *
 * Output is TAP, one test case per account and width, plus one that every
 * GET page route was reached; tests/run.py runs it in `make check`.
 * Screenshots go to build/browser/ (EDBRIDGE_BROWSER_SHOTS=0: none).
 *
 * Environment: EDBRIDGE_BIN (the binary), EDBRIDGE_BROWSER_OUT (screenshot
 * folder), EDBRIDGE_BROWSER_STUDENTS (demo size), CHROMIUM (the browser). */
'use strict';

const { spawn, execFileSync } = require('child_process');
const crypto = require('crypto');
const fs = require('fs');
const os = require('os');
const path = require('path');

const ROOT = path.resolve(__dirname, '..', '..');
const BIN = process.env.EDBRIDGE_BIN || path.join(ROOT, 'build', 'edbridge');
const OUT = process.env.EDBRIDGE_BROWSER_OUT || path.join(ROOT, 'build', 'browser');
/* screenshots: of each route (and set of query keys) once, by the first
 * account that opens it; "all": of every page view; "0": none */
const SHOTS = process.env.EDBRIDGE_BROWSER_SHOTS === '0' ? false
	: process.env.EDBRIDGE_BROWSER_SHOTS === 'all' ? 'all' : true;
const shotsTaken = new Set();
/* EDBRIDGE_BROWSER_ONLY=teacher,visitor: only those accounts (while fixing) */
const ONLY = (process.env.EDBRIDGE_BROWSER_ONLY || '').split(',').filter(Boolean);
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const STUDENTS = process.env.EDBRIDGE_BROWSER_STUDENTS || '120';
/* accounts checked at once: one browser, one context per account */
const PARALLEL = Number(process.env.EDBRIDGE_BROWSER_PARALLEL || 2);
/* the whole run, demo included, ends by then, failed (a hung browser) */
const DEADLINE_S = Number(process.env.EDBRIDGE_BROWSER_DEADLINE || 900);

/* guardians added to the demo who read it in another language: login -> tag */
/* a family in each of our languages besides English (docs/i18n.md) */
const FAMILY_LANGS = {
	'parent-es': 'es', 'parent-zh': 'zh-Hans', 'parent-vi': 'vi', 'parent-ar': 'ar',
	'parent-ht': 'ht', 'parent-pt': 'pt', 'parent-ru': 'ru', 'parent-ko': 'ko', 'parent-tl': 'tl',
};

const WIDTHS = [
	{ name: '1280x800', width: 1280, height: 800 },
	{ name: '375x812', width: 375, height: 812 },
];
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const PAGE_LIMIT = 50 * 1024;
/* Route pattern -> [bytes, reason]: the one place an HTML page may be
 * allowed more than PAGE_LIMIT. */
const BUDGETS = {
};
/* Links to one route pattern checked as pages, per account: one without a
 * query and one per distinct set of query keys, at most this many. */
const PER_PATTERN = 3;
/* routes that only lead to or come back from another site (single sign-on:
 * the district's provider, which the demo has none of and this machine cannot
 * reach): tests/http/test_sso.py walks them with a real provider */
const ELSEWHERE = /^\/sso\//;
/* downloads, not pages: checked as links (status) only */
const DOWNLOAD = /[?&]format=(csv|xlsx|pdf)\b|\.(csv|xlsx|pdf)$/;
/* routes that hand the browser to another site (an LTI launch goes to the
 * tool's login address): checked by their own answer, not followed */
const LEAVES_SITE = /^\/lti\/(launch|add)\//;
/* endpoints only a tool calls, with its bearer token (LTI Advantage services,
 * tests/http/test_lti_services.py): no page links to them, no browser goes there */
const TOOL_ONLY = /^\/lti\/(ags|nrps)\//;

let failures = 0;
/* seconds spent per kind of step, printed at the end */
const spent = {};
async function timed(what, f) {
	const t = Date.now();
	try {
		return await f();
	} finally {
		spent[what] = (spent[what] || 0) + (Date.now() - t) / 1000;
	}
}
let pagesChecked = 0;
/* axe-core's results depend on a page's shape, not its words: the same
 * elements and attributes with the same stylesheet at the same width give
 * the same violations. A page of a shape already run through axe (another
 * family's home in another language, one teacher's class page and
 * another's) is not run through it again; every other check (overflow at
 * both widths, escaped markup, rows that read alike, links, status, size)
 * runs on every page. Each account's first page is run through axe whole. */
const checkedMarkup = new Set();
let reused = 0;

/* A page's shape: every tag and attribute kept; the header (whose
 * navigation differs by role) and the CSRF token left out; a text node
 * reduced to whether it is empty; digits to 0; free-text attribute values
 * (alt, title, aria-label, placeholder, value, href but an in-page #target,
 * data-*, ...) to whether they are empty; a well-formed lang tag to one mark
 * (axe asks only that it be valid: a malformed one stays itself). An empty link, a missing label, another
 * class or a new element make another shape. */
function skeleton(html) {
	return html
		.replace(/<header>[\s\S]*?<\/header>/, '')
		.replace(/name="csrf" value="[^"]*"/g, '')
		.replace(/\b(alt|title|aria-label|placeholder|value|content|href|action|src|datetime|download)="(?!#)[^"]*"/g,
			 (m, a) => `${a}="${m.length > a.length + 3 ? 'x' : ''}"`)
		.replace(/\b(data-[a-z-]+)="[^"]*"/g, (m, a) => `${a}="${m.length > a.length + 3 ? 'x' : ''}"`)
		.replace(/\blang="[a-z]{2,3}(-[A-Za-z0-9]{2,8})*"/g, 'lang="L"')
		.replace(/>([^<]+)</g, (m, t) => (t.trim() ? '>T<' : '><'))
		.replace(/[0-9]+/g, '0');
}

function tapLine(ok, n, name, notes) {
	console.log(`${ok ? 'ok' : 'not ok'} ${n} - ${name}`);
	for (const note of notes)
		console.log(`  # ${note}`);
}

/* ---- the demo district and the route table ---- */

function edbridge(args) {
	return execFileSync(BIN, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'],
					 timeout: 300000 });
}

function buildDemo(db) {
	const out = edbridge(['demo', '--db', db, '--students', STUDENTS, '--seed', '3',
			      '--no-serve']);
	const pw = /\(password: ([^)\s]+)\)/.exec(out);
	const code = /access code for '([^']+)'[^:]*: (\S+)/.exec(out);
	if (!pw || !code)
		throw new Error('demo output without a password or access code:\n' + out);
	const logins = [];
	const at = out.indexOf('Log in at');
	for (const line of out.slice(at).split('\n').slice(1)) {
		const m = /^  (\S+)\s{2,}\S/.exec(line);
		if (m)
			logins.push(m[1]);
	}
	if (!logins.length)
		throw new Error('demo output without its table of logins:\n' + out);
	/* families in their language (docs/i18n.md): more guardians of the demo
	 * parent's first child, one per language (Arabic right to left), who
	 * choose it on their home page when they sign in (FAMILY_LANGS) */
	const child = /^parent\t.*?guardian \(person ([^)]+)\)/m.exec(
		edbridge(['user', 'list', '--db', db]));
	if (!child)
		throw new Error('the demo parent has no child to add families to');
	for (const [login, lang] of Object.entries(FAMILY_LANGS)) {
		execFileSync(BIN, ['user', 'add', '--login', login, '--role', 'guardian', '--scope',
				   'person:' + child[1], '--name', `Demo Parent (${lang})`, '--db', db],
			     { input: pw[1] + '\n', stdio: ['pipe', 'ignore', 'pipe'] });
		logins.push(login);
	}
	/* each login's roles, from the account list */
	const roles = {};
	for (const line of edbridge(['user', 'list', '--db', db]).split('\n')) {
		const f = line.split('\t');
		if (f.length >= 3)
			roles[f[0]] = [...f[2].matchAll(/(\w+) \(/g)].map((m) => m[1]);
	}
	/* the family's sign-in link: the visitor opens it (GET does not spend it) */
	const link = /sign-in link for '[^']+'[^:]*: \S*?(\/f\/[A-Za-z0-9_-]{43})\s/.exec(out);
	if (!link)
		throw new Error('demo output without a family sign-in link:\n' + out);
	/* the email opt-out link (List-Unsubscribe): GET only asks */
	const unsub = /email opt-out link for '[^']+'[^:]*: \S*?(\/u\/[A-Za-z0-9_-]{43})\s/.exec(out);
	if (!unsub)
		throw new Error('demo output without an email opt-out link:\n' + out);
	return { password: pw[1], codeLogin: code[1], code: code[2], logins, roles,
		 linkPath: link[1], unsubPath: unsub[1] };
}

function listRoutes(db) {
	const routes = [];
	for (const line of edbridge(['serve', '--list-routes', '--db', db]).split('\n')) {
		const [method, pattern, who] = line.split('\t');
		if (method !== 'GET' || !pattern || TOOL_ONLY.test(pattern))
			continue;
		routes.push({ pattern, public: who === 'public', roles: who.split(','),
			      re: patternRegex(pattern), params: pattern.includes(':') });
	}
	return routes;
}

function patternRegex(pattern) {
	const src = pattern.split('/').map((seg) =>
		seg.startsWith(':') ? '[^/]+' : seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('/');
	return new RegExp('^' + src + '$');
}

function startServer(db) {
	return new Promise((resolve, reject) => {
		const proc = spawn(BIN, ['serve', '--db', db, '--port', '0', '--quiet'],
				   { stdio: ['ignore', 'pipe', 'inherit'] });
		let seen = '';
		proc.stdout.on('data', (d) => {
			seen += d;
			const m = /listening: http:\/\/([\d.]+):(\d+)\//.exec(seen);
			if (m)
				resolve({ proc, origin: `http://${m[1]}:${m[2]}` });
		});
		proc.on('exit', (code) => reject(new Error('server exited ' + code + ': ' + seen)));
	});
}

/* ---- checks run inside the page ---- */

/* Text that shows markup: a tag or an entity that was escaped once too
 * often ("<svg", "</td>", "&lt;"). Form fields and code samples aside. */
function escapedMarkup() {
	const bad = /<\/?[a-zA-Z][\w-]*[\s>/]|&(?:lt|gt|amp|quot|#\d+);/;
	const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
	const found = [];
	for (let n = walk.nextNode(); n && found.length < 3; n = walk.nextNode()) {
		const p = n.parentElement;
		if (p && p.closest('script, style, textarea, code, pre'))
			continue;
		const m = bad.exec(n.nodeValue);
		if (m)
			found.push(n.nodeValue.slice(Math.max(0, m.index - 20), m.index + 40).trim());
	}
	return found;
}

function overflow() {
	const doc = document.documentElement;
	if (doc.scrollWidth <= window.innerWidth)
		return null;
	/* the widest element that sticks out, to say where */
	let worst = null, right = window.innerWidth;
	for (const el of document.body.querySelectorAll('*')) {
		const r = el.getBoundingClientRect();
		if (r.right > right + 1) {
			right = r.right;
			worst = el;
		}
	}
	const where = worst ? worst.tagName.toLowerCase() + (worst.className ?
		'.' + String(worst.className).split(' ').join('.') : '') : '?';
	return `${doc.scrollWidth} px wide in ${window.innerWidth} px (widest: ${where})`;
}

/* Row headers that read the same in one table: two rows a reader cannot
 * tell apart (two students of one name). */
function ambiguousRows() {
	const found = [];
	for (const t of document.querySelectorAll('table')) {
		const seen = new Set();
		for (const th of t.querySelectorAll('tbody th[scope=row]')) {
			const s = th.textContent.trim().replace(/\s+/g, ' ');
			if (seen.has(s) && found.length < 3)
				found.push(s);
			seen.add(s);
		}
	}
	return found;
}

/* ---- one account: sign in, walk its routes at both widths ---- */

function shotName(account, url, width) {
	const p = new URL(url).pathname + new URL(url).search;
	const slug = p.replace(/[^A-Za-z0-9.-]+/g, '_').replace(/^_+|_+$/g, '') || 'root';
	return path.join(OUT, `${account}-${slug.slice(0, 80)}-${width}.png`);
}

async function signIn(page, origin, account, demo) {
	if (account.kind === 'visitor')
		return;
	if (account.kind === 'code') {
		await page.goto(origin + '/login/code');
		await page.fill('#code', demo.code);
	} else {
		await page.goto(origin + '/login');
		await page.fill('#login', account.login);
		await page.fill('#password', demo.password);
	}
	await Promise.all([page.waitForNavigation(), page.click('main button[type=submit]')]);
	if (!new URL(page.url()).pathname.startsWith('/home'))
		throw new Error(`sign-in as ${account.name} ended at ${page.url()}`);
	const lang = FAMILY_LANGS[account.name];
	if (lang) {
		/* the family's own choice, through the form on its home page */
		await page.selectOption('#lang', lang);
		await Promise.all([page.waitForNavigation(),
				   page.click('section[aria-labelledby=h-lang] button[type=submit]')]);
		const got = await page.getAttribute('html', 'lang');
		if (got !== lang)
			throw new Error(`${account.name} chose ${lang} but reads lang=${got}`);
	}
}

async function checkAccount(browser, origin, account, routes, demo, axeSource) {
	const started = Date.now();
	const problems = Object.fromEntries(WIDTHS.map((w) => [w.name, []]));
	const reached = new Set();
	let views = 0;
	const context = await browser.newContext({ viewport: WIDTHS[0] });
	const page = await context.newPage();
	const serverErrors = [];
	page.on('response', (r) => {
		if (r.status() >= 500)
			serverErrors.push(`${r.status()} from ${r.url()}`);
	});
	const note = (w, where, what) => problems[w].push(`${where}: ${what}`);
	try {
		await signIn(page, origin, account, demo);
	} catch (e) {
		for (const w of WIDTHS)
			note(w.name, 'sign-in', e.message);
		await context.close();
		return { problems, reached, views, seconds: (Date.now() - started) / 1000 };
	}
	const mine = routes.filter((r) => r.public || r.roles.some((x) => account.roles.includes(x)));
	const queue = mine.filter((r) => !r.params).map((r) => origin + r.pattern);
	if (account.kind === 'visitor')
		queue.push(origin + demo.linkPath, origin + demo.unsubPath);
	const taken = new Map(); /* pattern -> keys of the instances queued */
	const seen = new Set(queue);
	const linkStatus = new Map();
	const done = new Set();
	const routeOf = (u) => mine.find((r) => r.re.test(new URL(u).pathname));

	function offer(u) {
		const url = new URL(u);
		url.hash = '';
		const s = url.toString();
		if (url.origin !== origin || seen.has(s) || DOWNLOAD.test(s))
			return;
		const r = routeOf(s);
		if (!r)
			return;
		const keys = [...url.searchParams.keys()].sort().join('&');
		const have = taken.get(r.pattern) || (r.params ? [] : ['']);
		if (have.includes(keys) || have.length >= PER_PATTERN)
			return;
		have.push(keys);
		taken.set(r.pattern, have);
		seen.add(s);
		queue.push(s);
	}

	/* A GET without following redirects; a transport error (a kept-alive
	 * connection the server closed as idle while the client reused it) is
	 * tried again, and thrown after the third. */
	async function fetchOnce(url) {
		for (let tries = 0; ; tries++) {
			try {
				return await context.request.get(url, { maxRedirects: 0 });
			} catch (e) {
				if (tries >= 2)
					throw e;
				await new Promise((r) => setTimeout(r, 200));
			}
		}
	}

	async function visit(url) {
		const where = new URL(url).pathname + new URL(url).search;
		const r = routeOf(url);
		serverErrors.length = 0;
		if (DOWNLOAD.test(url) || LEAVES_SITE.test(new URL(url).pathname)) {
			const st = (await fetchOnce(url)).status();
			if (st >= 400)
				note(WIDTHS[0].name, where, `answered ${st}`);
			else if (r)
				reached.add(r.pattern);
			return;
		}
		if (!r || !r.params) {
			/* a route of the table: a page, or an endpoint (JSON, the
			 * stylesheet) a browser would not be sent to */
			const head = await fetchOnce(url);
			const t = head.headers()['content-type'] || '';
			if (head.status() < 300 && !t.startsWith('text/html')) {
				if (r)
					reached.add(r.pattern);
				return;
			}
			if (head.status() >= 500 || (head.status() >= 400 && !t.startsWith('text/html'))) {
				if (head.status() >= 500 || !r || !r.public)
					note(WIDTHS[0].name, where, `answered ${head.status()}`);
				else
					reached.add(r.pattern);
				return;
			}
		}
		let resp;
		try {
			await page.setViewportSize(WIDTHS[0]);
			resp = await timed('load', () => page.goto(url, { waitUntil: 'load', timeout: 20000 }));
		} catch (e) {
			note(WIDTHS[0].name, where, 'did not load: ' + e.message.split('\n')[0]);
			return;
		}
		const finalUrl = page.url();
		const type = (resp && resp.headers()['content-type']) || '';
		const status = resp ? resp.status() : 0;
		if (!type.startsWith('text/html')) {
			/* the tool endpoints (JSON), the stylesheet */
			if (status >= 500)
				note(WIDTHS[0].name, where, `answered ${status}`);
			else if (r)
				reached.add(r.pattern);
			return;
		}
		if (status >= 400) {
			note(WIDTHS[0].name, where, `answered ${status}`);
			return;
		}
		if (r)
			reached.add(r.pattern);
		if (done.has(finalUrl))
			return; /* a redirect to a page already checked */
		done.add(finalUrl);
		const body = await resp.body();
		const fr = routeOf(finalUrl); /* the page shown, after any redirect */
		const rp = fr ? fr.pattern : where;
		const budget = BUDGETS[rp] ? BUDGETS[rp][0] : PAGE_LIMIT;
		if (body.length > budget)
			note(WIDTHS[0].name, where, `HTML is ${(body.length / 1024).toFixed(1)} KB, ` +
			     `over its ${(budget / 1024).toFixed(0)} KB budget (BUDGETS in check.js)`);

		/* links: every same-site href answers < 400 (GET, redirects not
		 * followed; a link never changes anything here) */
		const hrefs = await page.$$eval('a[href]', (as) => as.map((a) => a.href));
		const fresh = [];
		for (const h of hrefs) {
			const u = new URL(h);
			if (u.origin !== origin)
				continue;
			u.hash = '';
			const s = u.toString();
			offer(s);
			if (s === finalUrl.replace(/#.*$/, '') || linkStatus.has(s))
				continue;
			linkStatus.set(s, null);
			fresh.push(s);
		}
		/* a few at a time: the server has a thread pool */
		for (let k = 0; k < fresh.length; k += 6)
			await timed('links', () => Promise.all(fresh.slice(k, k + 6).map(async (s) => {
				let st;
				try {
					st = (await fetchOnce(s)).status();
				} catch (e) {
					st = 'error ' + e.message.split('\n')[0];
				}
				linkStatus.set(s, st);
				if (!(st < 400)) {
					const u = new URL(s);
					note(WIDTHS[0].name, where, `link ${u.pathname + u.search} answers ${st}`);
				}
			})));

		const key = crypto.createHash('sha1').update(skeleton(body.toString('utf8')))
			.digest('hex');
		const axeDone = done.size > 1 && checkedMarkup.has(key);
		checkedMarkup.add(key);
		for (const w of WIDTHS) {
			if (w !== WIDTHS[0])
				await timed('resize', () => page.setViewportSize(w));
			views++;
			if (w === WIDTHS[0] && !axeDone)
				await page.evaluate(axeSource);
			if (axeDone)
				reused++;
			const axe = axeDone ? [] : await timed('axe', () => page.evaluate((tags) =>
				window.axe.run(document, {
					runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'],
				}).then((res) => res.violations.map((v) => ({
					id: v.id, impact: v.impact, n: v.nodes.length,
					target: v.nodes[0] && v.nodes[0].target.join(' '),
				}))), AXE_TAGS));
			for (const v of axe)
				note(w.name, where, `axe ${v.id} (${v.impact}), ${v.n} element(s), ` +
				     `first: ${v.target}`);
			const over = await page.evaluate(overflow);
			if (over)
				note(w.name, where, 'scrolls sideways: ' + over);
			if (w === WIDTHS[0])
				for (const t of await page.evaluate(ambiguousRows))
					note(w.name, where, `two rows of a table read "${t}"`);
			const esc = await page.evaluate(escapedMarkup);
			for (const t of esc)
				note(w.name, where, `escaped markup shown as text: "${t}"`);
			for (const e of serverErrors)
				note(w.name, where, e);
			/* each account's home (its first page), and each route and
			 * set of query keys once */
			const shot = `${rp}?${[...new URL(finalUrl).searchParams.keys()]
				.sort().join('&')} ${w.name}`;
			if (SHOTS === 'all' || (SHOTS && (done.size === 1 || !shotsTaken.has(shot)))) {
				shotsTaken.add(shot);
				await timed('screenshots', () => page.screenshot({
					path: shotName(account.name, finalUrl, w.name), fullPage: true }));
			}
		}
	}

	for (let i = 0; i < queue.length; i++) {
		await visit(queue[i]);
		if (i + 1 < queue.length)
			continue;
		/* a :param route no link led to: the values of a route it extends
		 * (/students/:id -> /students/:id/mastery) */
		for (const r of mine.filter((x) => x.params && !taken.has(x.pattern))) {
			const base = mine.filter((x) => x.params && r.pattern.startsWith(x.pattern + '/'))
				.sort((a, b) => b.pattern.length - a.pattern.length)[0];
			/* not a fixed route the pattern also matches (/plans/new for /plans/:id) */
			const fixed = (u) => mine.some((x) => !x.params && x.pattern === new URL(u).pathname);
			const from = base && [...done].find((u) => base.re.test(new URL(u).pathname) &&
							    !fixed(u));
			if (from) {
				const u = new URL(from);
				u.pathname += r.pattern.slice(base.pattern.length);
				u.search = '';
				offer(u.toString());
			}
		}
	}
	await context.close();
	return { problems, reached, views, seconds: (Date.now() - started) / 1000 };
}

/* ---- main ---- */

async function main() {
	const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
	const { chromium } = require('playwright-core');
	const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'edbridge-browser-'));
	const db = path.join(tmp, 'demo.db');
	let server = null, browser = null;
	const t0 = Date.now();
	console.log('TAP version 13');
	/* the accounts and their results so far: a run cut by the deadline still
	 * reports the accounts it finished */
	let accounts = [], results = [];
	setTimeout(() => {
		let n = 0;
		const unfinished = [];
		for (let i = 0; i < accounts.length; i++) {
			const res = results[i];
			if (!res) {
				unfinished.push(accounts[i].name);
				continue;
			}
			pagesChecked += res.views;
			for (const w of WIDTHS) {
				failures += res.problems[w.name].length;
				tapLine(res.problems[w.name].length === 0, ++n,
					`${accounts[i].name} at ${w.name}: ${res.views / WIDTHS.length} pages ` +
					`(${res.seconds.toFixed(1)} s)`, res.problems[w.name]);
			}
		}
		tapLine(false, ++n, `browser checks did not finish in ${DEADLINE_S} s`,
			[accounts.length ? `not finished: ${unfinished.join(', ')}`
					 : 'the demo district was not ready']);
		console.log(`1..${n}`);
		console.log(`browser: ${pagesChecked} pages checked, ${failures + 1} violations`);
		if (server)
			server.proc.kill('SIGKILL');
		process.exit(1); /* playwright ends the browser it started */
	}, DEADLINE_S * 1000).unref();
	try {
		if (SHOTS) {
			fs.mkdirSync(OUT, { recursive: true });
			for (const f of fs.readdirSync(OUT))
				if (f.endsWith('.png'))
					fs.unlinkSync(path.join(OUT, f)); /* a former run's */
		}
		const demo = buildDemo(db);
		const routes = listRoutes(db);
		server = await startServer(db);
		const tDemo = Date.now();
		/* Playwright gives the browser an empty profile folder of its own
		 * (--user-data-dir) and runs it headless; the flags keep a machine
		 * without outside network from waiting on connections. */
		browser = await chromium.launch({
			executablePath: CHROMIUM, headless: true,
			args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
			       '--disable-background-networking', '--disable-component-update',
			       '--disable-sync'],
		});
		accounts = [{ name: 'visitor', kind: 'visitor', roles: [] }];
		for (const l of demo.logins)
			accounts.push({ name: l, kind: 'password', login: l, roles: demo.roles[l] || [] });
		accounts.push({ name: `${demo.codeLogin}-by-code`, kind: 'code',
				roles: demo.roles[demo.codeLogin] || [] });
		if (ONLY.length)
			accounts.splice(0, accounts.length, ...accounts.filter((a) => ONLY.includes(a.name)));
		results = new Array(accounts.length);
		let next = 0;
		async function worker() {
			while (next < accounts.length) {
				const i = next++;
				results[i] = await checkAccount(browser, server.origin, accounts[i], routes,
								demo, axeSource);
			}
		}
		await Promise.all(Array.from({ length: PARALLEL }, worker));
		let n = 0;
		const reached = new Set();
		for (let i = 0; i < accounts.length; i++) {
			const res = results[i];
			res.reached.forEach((p) => reached.add(p));
			pagesChecked += res.views;
			for (const w of WIDTHS) {
				const notes = res.problems[w.name];
				failures += notes.length;
				tapLine(notes.length === 0, ++n, `${accounts[i].name} at ${w.name}: ` +
					`${res.views / WIDTHS.length} pages (${res.seconds.toFixed(1)} s)`, notes);
			}
		}
		const missed = routes.filter((r) => !ONLY.length && !reached.has(r.pattern) &&
					     !r.pattern.includes('*') && !ELSEWHERE.test(r.pattern))
			.map((r) => `${r.pattern}: no account reached it (link to it from a page, or ` +
			     'teach check.js where its :params come from)');
		failures += missed.length;
		tapLine(missed.length === 0, ++n, 'every GET route was checked', missed);
		console.log(`1..${n}`);
		console.log(`# ${reused} of the ${pagesChecked} page views had the shape of one run` +
			    ' through axe-core before: axe-core not run again (every other check was)');
		console.log(`# demo ${((tDemo - t0) / 1000).toFixed(1)} s, pages ` +
			    `${((Date.now() - tDemo) / 1000).toFixed(1)} s; summed over accounts: ` +
			    Object.entries(spent).map(([k, v]) => `${k} ${v.toFixed(1)} s`).join(', '));
	} catch (e) {
		console.log('not ok 1 - browser checks could not run');
		console.log('  # ' + String(e.stack || e).split('\n').join('\n  # '));
		console.log('1..1');
		failures++;
	} finally {
		if (browser)
			await browser.close();
		if (server)
			server.proc.kill('SIGTERM');
		fs.rmSync(tmp, { recursive: true, force: true });
	}
	console.log(`browser: ${pagesChecked} pages checked, ${failures} violations`);
	process.exitCode = failures ? 1 : 0;
}

main();
