/* Sends the LTI form of the page at once (src/web/pages/lti.c: the launch's
 * id_token to the tool). Without JavaScript the page's Continue button
 * sends it. */
(function () {
	var f = document.getElementById('lti-form');
	if (f) f.submit();
})();
