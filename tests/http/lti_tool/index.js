// A real LTI 1.3 tool for edbridge's HTTP tests (tests/http/lti_harness.py
// starts it): ltijs on a PostgreSQL database through ltijs-sequelize.
//
// Environment: TOOL_PORT, PG_HOST (a socket directory or host), PG_PORT,
// PG_DB, PG_USER, PLATFORM_URL (edbridge's issuer), CLIENT_ID,
// DEEP_ITEMS (JSON array of content items the tool answers a deep-linking
// request with; may be changed with POST /_items).
//
// Besides ltijs' own routes (/login, /keys and the launch at /), the tool
// has test-only routes that edbridge's tests read:
//   GET  /_seen       every launch the tool accepted: the id_token's header
//                     and claims as ltijs validated them (JSON array)
//   POST /_items      sets the deep-linking answer (JSON array body)
//   POST /_forget     empties /_seen
//   POST /grade       (with the launch's ltik) posts a score through ltijs'
//                     Grade service: body {score, max, comment?, userId?}
'use strict';

const lti = require('ltijs').Provider;
const Database = require('ltijs-sequelize');
const express = require('express');

const env = (k, d) => (process.env[k] === undefined ? d : process.env[k]);
const port = Number(env('TOOL_PORT', '3000'));
const platformUrl = env('PLATFORM_URL');
const clientId = env('CLIENT_ID', 'edbridge-test-tool');
let deepItems = JSON.parse(env('DEEP_ITEMS', '[]'));
const seen = [];

function decodePart(part) {
	return JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
}

async function main() {
	const db = new Database(env('PG_DB', 'ltijs'), env('PG_USER', 'postgres'), '', {
		host: env('PG_HOST', '127.0.0.1'),
		port: Number(env('PG_PORT', '5432')),
		dialect: 'postgres',
		logging: false,
	});
	lti.setup('edbridge-test-tool-key-0123456789', { plugin: db }, {
		appRoute: '/',
		loginRoute: '/login',
		keysetRoute: '/keys',
		cookies: { secure: false, sameSite: 'Lax' },
		devMode: false,
		tokenMaxAge: 60,
	});

	// the id_token as it arrived, before ltijs checks it: the header (alg,
	// kid) for the tests
	const outer = express();
	const raw = [];
	outer.use(express.urlencoded({ extended: false }));
	outer.use((req, res, next) => {
		if (req.method === 'POST' && req.body && typeof req.body.id_token === 'string') {
			const parts = req.body.id_token.split('.');
			try {
				raw.push({ header: decodePart(parts[0]), payload: decodePart(parts[1]) });
			} catch (e) {
				raw.push({ header: null, payload: null });
			}
		}
		next();
	});
	outer.get('/_seen', (req, res) => res.json(seen));
	outer.post('/_forget', (req, res) => {
		seen.length = 0;
		raw.length = 0;
		res.json({ ok: true });
	});
	outer.post('/_items', express.json(), (req, res) => {
		deepItems = req.body;
		res.json({ ok: true });
	});

	const record = (kind, token, res) => {
		const r = raw.length ? raw[raw.length - 1] : { header: null, payload: null };
		seen.push({
			kind,
			header: r.header,
			claims: r.payload,
			ltik: res.locals.ltik,
			user: token.user,
			context: res.locals.context,
		});
	};

	lti.onConnect(async (token, req, res) => {
		record('launch', token, res);
		return res.json({ ok: true, launched: true, ltik: res.locals.ltik });
	});

	lti.onDeepLinking(async (token, req, res) => {
		record('deep', token, res);
		const form = await lti.DeepLinking.createDeepLinkingForm(token, deepItems, {
			message: 'Added from the test tool',
		});
		return res.send(form);
	});

	lti.onInvalidToken(async (req, res, next) => {
		return res.status(401).json({ ok: false, error: res.locals.err });
	});

	// a score for the launch's user (or userId) on the link's line item
	lti.app.post('/grade', async (req, res) => {
		try {
			const idtoken = res.locals.token;
			const body = req.body || {};
			const score = {
				userId: body.userId || idtoken.user,
				scoreGiven: Number(body.score),
				scoreMaximum: Number(body.max || 100),
				comment: body.comment,
				activityProgress: 'Completed',
				gradingProgress: 'FullyGraded',
			};
			let lineItemId = idtoken.platformContext.endpoint
				? idtoken.platformContext.endpoint.lineitem
				: undefined;
			if (!lineItemId) {
				const items = await lti.Grade.getLineItems(idtoken, { resourceLinkId: true });
				if (items.lineItems.length) lineItemId = items.lineItems[0].id;
				else {
					const made = await lti.Grade.createLineItem(idtoken, {
						scoreMaximum: score.scoreMaximum,
						label: 'Score',
						resourceLinkId: idtoken.platformContext.resource.id,
					});
					lineItemId = made.id;
				}
			}
			const answer = await lti.Grade.submitScore(idtoken, lineItemId, score);
			return res.json({ ok: true, lineItem: lineItemId, answer });
		} catch (err) {
			return res.status(502).json({ ok: false, error: String(err && err.message ? err.message : err) });
		}
	});

	await lti.deploy({ serverless: true, silent: true });
	if (platformUrl) {
		await lti.registerPlatform({
			url: platformUrl,
			name: 'edbridge',
			clientId,
			authenticationEndpoint: platformUrl + '/lti/login',
			accesstokenEndpoint: platformUrl + '/lti/token',
			authConfig: { method: 'JWK_SET', key: platformUrl + '/.well-known/jwks.json' },
		});
	}
	outer.use('/', lti.app);
	outer.listen(port, '127.0.0.1', () => {
		console.log('lti test tool listening on ' + port);
	});
}

main().catch((err) => {
	console.error('lti test tool failed: ' + (err && err.stack ? err.stack : err));
	process.exit(1);
});
