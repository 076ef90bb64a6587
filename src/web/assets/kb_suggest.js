/* Known fixes suggested while a reporter types on the new-ticket form
 * (src/web/pages/kb.c, page_kb_suggestions). Progressive: without this
 * script the "Check for known fixes" button does the same on the server.
 * Fetches /kb/suggest?tool=&q= 400 ms after the last keystroke and fills
 * the section's aria-live list; every string shown comes from the server
 * (data-* attributes in the reader's language, and the articles' text as
 * text nodes, never as HTML). */
(function () {
	"use strict";
	var box = document.querySelector("[data-kb-suggest]");
	var list = document.getElementById("kb-suggest-list");
	if (!box || !list || !window.fetch) return;
	var form = document.getElementById(box.getAttribute("data-form"));
	if (!form) return;
	var csrf = form.querySelector("input[name=csrf]");
	var fields = ["title", "body", "description", "summary"].map(function (n) {
		return form.querySelector("[name=" + n + "]");
	}).filter(Boolean);
	var tool = form.querySelector("[name=tool], [name=tool_id]");
	var timer = null, last = "";

	function el(tag, text) {
		var e = document.createElement(tag);
		if (text !== undefined) e.textContent = text;
		return e;
	}

	function show(articles) {
		while (list.firstChild) list.removeChild(list.firstChild);
		if (!articles.length) return;
		var ul = el("ul");
		ul.className = "cards wide";
		articles.forEach(function (a) {
			var li = el("li"), h = el("h3"), link = el("a", a.title);
			link.href = "/kb/" + a.id;
			h.appendChild(link);
			li.appendChild(h);
			li.appendChild(el("p", a.symptom));
			if (a.fixed > 0) {
				var p = el("p", box.getAttribute("data-fixed-label").replace("%lld", a.fixed));
				p.className = "muted";
				li.appendChild(p);
			}
			if (csrf) {
				var f = el("form");
				f.method = "post";
				f.action = "/kb/" + a.id + "/helped";
				[["csrf", csrf.value], ["helped", "yes"], ["from", "ticket"]].forEach(function (kv) {
					var i = el("input");
					i.type = "hidden";
					i.name = kv[0];
					i.value = kv[1];
					f.appendChild(i);
				});
				var b = el("button", box.getAttribute("data-deflect-label"));
				b.type = "submit";
				f.appendChild(b);
				li.appendChild(f);
			}
			ul.appendChild(li);
		});
		list.appendChild(ul);
	}

	function ask() {
		var q = fields.map(function (f) { return f.value; }).join(" ").trim();
		var t = tool ? tool.value : "";
		if (q + "|" + t === last) return;
		last = q + "|" + t;
		if (q.length < 3) { show([]); return; }
		var url = "/kb/suggest?q=" + encodeURIComponent(q.slice(0, 120)) /* <= 500 bytes */ +
			(t && /^[0-9]+$/.test(t) ? "&tool=" + t : "");
		fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
			.then(function (r) { return r.ok ? r.json() : { articles: [] }; })
			.then(function (j) { show(j.articles || []); })
			.catch(function () {});
	}

	function later() {
		clearTimeout(timer);
		timer = setTimeout(ask, 400);
	}
	fields.forEach(function (f) { f.addEventListener("input", later); });
	if (tool) tool.addEventListener("change", later);
})();
