-- 037: LTI 1.3 platform core (issue 16, h16-lti; docs/lti.md): the tools
-- registered for launches, their deployments, edbridge's platform keys,
-- resource links with their standards, the one-time launch hints and the
-- pseudonymous subject each tool sees for a person.

-- A tool registered for LTI 1.3 launches, tied to an inventory tool (one
-- registration per inventory tool). client_id is unique across the whole
-- installation (one issuer): /lti/login and /lti/token find the district
-- from it. redirect_uris: one http(s) address a line (the id_token is only
-- ever posted to one of them). deep_link_url "" when the tool takes no
-- deep-linking requests (then launch_url is used).
CREATE TABLE lti_tool (
  id INTEGER PRIMARY KEY,
  district_id INTEGER NOT NULL REFERENCES district(id),
  tool_id INTEGER NOT NULL,
  client_id TEXT NOT NULL UNIQUE CHECK (length(client_id) BETWEEN 1 AND 200),
  login_url TEXT NOT NULL CHECK (length(login_url) BETWEEN 1 AND 500),
  launch_url TEXT NOT NULL CHECK (length(launch_url) BETWEEN 1 AND 500),
  redirect_uris TEXT NOT NULL CHECK (length(redirect_uris) BETWEEN 1 AND 2000),
  jwks_url TEXT NOT NULL CHECK (length(jwks_url) BETWEEN 1 AND 500),
  deep_link_url TEXT NOT NULL DEFAULT '' CHECK (length(deep_link_url) <= 500),
  created_at INTEGER NOT NULL,
  UNIQUE (district_id, tool_id)
) STRICT;

-- A deployment of a registered tool (the LTI deployment_id the tool sees).
CREATE TABLE lti_deployment (
  district_id INTEGER NOT NULL REFERENCES district(id),
  lti_tool_id INTEGER NOT NULL REFERENCES lti_tool(id) ON DELETE CASCADE,
  deployment_id TEXT NOT NULL CHECK (length(deployment_id) BETWEEN 1 AND 255),
  PRIMARY KEY (lti_tool_id, deployment_id)
) STRICT, WITHOUT ROWID;

-- edbridge's platform signing keys (RSA 2048, RS256), one issuer for the
-- installation, so not per district. private_sealed: the PKCS#8 PEM private
-- key sealed with the vault (domain/vault.h, a key outside the database);
-- public_jwk: the public JWK as published. The current key is the newest
-- one not retired; a rotated-out key keeps being published until
-- retire_after (the grace period), then drops out of the JWKS.
CREATE TABLE lti_platform_key (
  id INTEGER PRIMARY KEY,
  kid TEXT NOT NULL UNIQUE,
  public_jwk TEXT NOT NULL,
  private_sealed TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  retired_at INTEGER,
  retire_after INTEGER
) STRICT;

-- A resource link: a tool's activity placed in a class (the LTI context).
-- custom: a JSON object of string values (the custom claim). url: the
-- tool's address for this activity ("" : the registration's launch_url).
-- activity_id: the activity id edbridge files the tool's scores under
-- (lti:<lti_tool_id>:<resource id>). created_by: the account that added it
-- (0: command line or deep linking by the tool's answer to that account).
CREATE TABLE lti_link (
  id INTEGER PRIMARY KEY,
  district_id INTEGER NOT NULL REFERENCES district(id),
  lti_tool_id INTEGER NOT NULL REFERENCES lti_tool(id) ON DELETE CASCADE,
  class_sourced_id TEXT NOT NULL,
  title TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
  url TEXT NOT NULL DEFAULT '' CHECK (length(url) <= 500),
  custom TEXT NOT NULL DEFAULT '{}' CHECK (length(custom) <= 4000),
  activity_id TEXT NOT NULL DEFAULT '',
  created_by INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX lti_link_class ON lti_link(district_id, class_sourced_id);
CREATE INDEX lti_link_tool ON lti_link(district_id, lti_tool_id);

-- The standards a link's work counts toward; none: "to be mapped".
CREATE TABLE lti_link_standard (
  district_id INTEGER NOT NULL REFERENCES district(id),
  link_id INTEGER NOT NULL REFERENCES lti_link(id) ON DELETE CASCADE,
  standard_code TEXT NOT NULL,
  PRIMARY KEY (link_id, standard_code)
) STRICT, WITHOUT ROWID;

-- One launch in flight: the lti_message_hint edbridge sent with the
-- third-party login initiation, usable once before expires_at. kind:
-- 'resource' (LtiResourceLinkRequest) or 'deep' (LtiDeepLinkingRequest,
-- link_id 0, class in class_sourced_id). used_at: when /lti/login spent it;
-- deep_nonce: the nonce of the deep-linking request, checked against the
-- tool's response (and spent with done_at).
CREATE TABLE lti_launch (
  hint TEXT PRIMARY KEY,
  district_id INTEGER NOT NULL REFERENCES district(id),
  lti_tool_id INTEGER NOT NULL REFERENCES lti_tool(id) ON DELETE CASCADE,
  account_id INTEGER NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('resource', 'deep')),
  link_id INTEGER NOT NULL DEFAULT 0,
  class_sourced_id TEXT NOT NULL,
  deployment_id TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  used_at INTEGER,
  deep_data TEXT NOT NULL DEFAULT '',
  done_at INTEGER
) STRICT, WITHOUT ROWID;
CREATE INDEX lti_launch_expiry ON lti_launch(expires_at);

-- The pseudonymous subject a tool sees for a person: random, stable per
-- (tool registration, account), never the internal id.
CREATE TABLE lti_subject (
  district_id INTEGER NOT NULL REFERENCES district(id),
  lti_tool_id INTEGER NOT NULL REFERENCES lti_tool(id) ON DELETE CASCADE,
  account_id INTEGER NOT NULL,
  sub TEXT NOT NULL,
  PRIMARY KEY (lti_tool_id, account_id)
) STRICT, WITHOUT ROWID;
CREATE UNIQUE INDEX lti_subject_sub ON lti_subject(lti_tool_id, sub);
