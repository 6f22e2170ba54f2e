//! The pages a person sees during an authorization: the consent page that
//! waits for the owner, and the short pages that end it. No script: the
//! waiting page reloads itself, and the CSP allows nothing but its own
//! style and a form posted to this service.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};

use super::CONSENT_RELOAD;

/// What a person may read about a waiting request.
pub struct Consent<'a> {
    /// The request's id.
    pub request_id: &'a str,
    /// The client's name.
    pub client_name: &'a str,
    /// Where the code will go.
    pub redirect_host: &'a str,
    /// The surface's name.
    pub surface_name: &'a str,
    /// The capabilities asked for; empty is all.
    pub scopes: &'a [String],
    /// Why the last approval with a key failed.
    pub problem: Option<&'a str>,
}

/// The consent page: who asks for what, how the owner approves, and a
/// reload every [`CONSENT_RELOAD`] until a decision is made.
pub fn consent(consent: &Consent<'_>, status: StatusCode) -> Response {
    let id = escape(consent.request_id);
    let scopes = if consent.scopes.is_empty() {
        "every capability of the surface".to_owned()
    } else {
        consent
            .scopes
            .iter()
            .map(|scope| format!("<code>{}</code>", escape(scope)))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let problem = consent
        .problem
        .map(|problem| format!(r#"<p class="problem" role="alert">{}</p>"#, escape(problem)))
        .unwrap_or_default();
    // A failed approval does not reload: the person reads why first.
    let reload = if consent.problem.is_some() {
        String::new()
    } else {
        format!(
            r#"<meta http-equiv="refresh" content="{}; url=/oauth/authorize/{id}">"#,
            CONSENT_RELOAD.as_secs()
        )
    };
    let body = format!(
        r#"{reload}
<main data-request-id="{id}">
<h1>Authorize {client}</h1>
<p><strong>{client}</strong> asks to use <strong>{surface}</strong> ({scopes}). Its authorization will be sent to <code>{host}</code>.</p>
<p>Approve or deny it in MCP Keys, or from a terminal:</p>
<pre>mcp-keys oauth approve {id}</pre>
<p>This page continues by itself once you decide.</p>
{problem}
<form method="post" action="/oauth/authorize/{id}">
<label>Or approve here with an API key of {surface}: <input type="password" name="key" autocomplete="off" placeholder="mcp_..."></label>
<button type="submit" name="decision" value="approve">Approve</button>
<button type="submit" name="decision" value="deny" formnovalidate>Deny</button>
</form>
</main>"#,
        client = escape(consent.client_name),
        surface = escape(consent.surface_name),
        host = escape(consent.redirect_host),
    );
    page(status, "Authorize a client — MCP Keys", &body)
}

/// A page that says `text` and, with `next`, goes there at once.
pub fn message(status: StatusCode, title: &str, text: &str, next: Option<&str>) -> Response {
    let reload = next
        .map(|next| {
            format!(
                r#"<meta http-equiv="refresh" content="0; url={}">"#,
                escape(next)
            )
        })
        .unwrap_or_default();
    let body = format!(
        "{reload}\n<main>\n<h1>{}</h1>\n<p>{}</p>\n</main>",
        escape(title),
        escape(text)
    );
    page(status, title, &body)
}

fn page(status: StatusCode, title: &str, body: &str) -> Response {
    let html = format!(
        r#"<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>{}</title>
<style>body{{font:16px system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;color:#222}}
pre,code{{background:#f3f3f3;padding:.1rem .3rem}}.problem{{color:#a00}}button{{margin:.5rem .5rem 0 0}}
input{{width:100%;margin-top:.3rem}}</style></head>
<body>{body}</body></html>"#,
        escape(title)
    );
    let mut response = (status, Html(html)).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        ),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    response
}

/// `text` safe inside HTML text and attribute values.
fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for character in text.chars() {
        match character {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            other => escaped.push(other),
        }
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn markup_is_escaped() {
        assert_eq!(
            escape(r#"<script>"x" & 'y'</script>"#),
            "&lt;script&gt;&quot;x&quot; &amp; &#39;y&#39;&lt;/script&gt;"
        );
    }
}
