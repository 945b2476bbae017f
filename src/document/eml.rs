//! An e-mail as a standard message (RFC 5322, MIME): UTF-8 headers, a
//! plain-text part and an HTML part. Every header that would vary from
//! run to run (date, message id, MIME boundary) is derived from the plan,
//! so that the same inputs give the same bytes.

use chrono::NaiveTime;
use mail_builder::headers::content_type::ContentType;
use mail_builder::headers::date::Date;
use mail_builder::headers::message_id::MessageId;
use mail_builder::mime::MimePart;
use mail_builder::MessageBuilder;

use super::worklist::file_safe;
use super::Document;
use crate::Action;

/// Escapes text for HTML.
pub(crate) fn html_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The HTML part: the text's paragraphs, escaped, lines kept.
fn html(doc: &Document) -> String {
    let mut body = String::new();
    for paragraph in doc.text.split("\n\n").filter(|p| !p.trim().is_empty()) {
        let lines: Vec<String> = paragraph
            .trim_matches('\n')
            .lines()
            .map(html_escape)
            .collect();
        body.push_str(&format!("<p>{}</p>\n", lines.join("<br>\n")));
    }
    format!(
        "<!DOCTYPE html>\n<html lang=\"{}\"><head><meta charset=\"utf-8\"></head><body>\n{body}</body></html>\n",
        html_escape(&doc.language)
    )
}

/// The message of `doc`, the `n`-th action of the day.
pub(crate) fn message(doc: &Document, action: &Action<'_>, n: usize) -> std::io::Result<Vec<u8>> {
    let sent = action.date.and_time(NaiveTime::MIN).and_utc().timestamp() + 9 * 3600;
    let id = format!(
        "{}.{n}.{}@dunning.invalid",
        action.date,
        file_safe(action.customer_id)
    );
    let boundary = format!("dunning-{}-{n}", action.date);
    let body = MimePart::new(
        ContentType::new("multipart/alternative").attribute("boundary", boundary),
        vec![
            MimePart::new("text/plain", doc.text.clone()),
            MimePart::new("text/html", html(doc)),
        ],
    );
    let subject = doc
        .subject
        .clone()
        .unwrap_or_else(|| action.template.unwrap_or_default().to_string());
    let mut message = MessageBuilder::new()
        .subject(subject)
        .date(Date::new(sent))
        .message_id(MessageId::new(id))
        .header(
            "X-Dunning-Customer",
            mail_builder::headers::text::Text::new(action.customer_id.to_string()),
        )
        .body(body);
    match &doc.from {
        (Some(email), Some(name)) => message = message.from((name.clone(), email.clone())),
        (Some(email), None) => message = message.from(email.clone()),
        _ => {}
    }
    if let Some(to) = &doc.to {
        message = message.to(to.clone());
    }
    message.write_to_vec()
}
