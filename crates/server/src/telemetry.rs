//! Logging setup. Nothing secret is ever a field: codes, tokens and keys are not
//! passed to `tracing` at all, and email addresses appear only as keyed pseudonyms.
//!
//! `log.format` picks the line format: text for people, or JSON (one object per line
//! with the timestamp, level, message and the event's fields, flattened) for a log
//! collector, from tracing-subscriber's own JSON formatter.

use tracing_subscriber::{EnvFilter, Layer, Registry, fmt, fmt::MakeWriter, prelude::*};

use crate::config::LogFormat;

/// Installs the global subscriber; `RUST_LOG` wins over the configured filter.
pub fn init(filter: &str, format: LogFormat) {
    let filter = EnvFilter::try_from_default_env()
        .or_else(|_| EnvFilter::try_new(filter))
        .unwrap_or_else(|_| EnvFilter::new("info"));
    let _ = tracing_subscriber::registry().with(formatter(format, std::io::stdout).with_filter(filter)).try_init();
}

/// The formatting layer for `format`, writing to `writer`.
pub fn formatter<W>(format: LogFormat, writer: W) -> Box<dyn Layer<Registry> + Send + Sync>
where
    W: for<'w> MakeWriter<'w> + Send + Sync + 'static,
{
    match format {
        // Colours only for a person at a terminal, not escape codes in a journal or file.
        LogFormat::Text => fmt::layer()
            .with_target(false)
            .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stdout()))
            .with_writer(writer)
            .boxed(),
        LogFormat::Json => fmt::layer().json().flatten_event(true).with_current_span(true).with_writer(writer).boxed(),
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use super::*;

    #[derive(Clone, Default)]
    struct Captured(Arc<Mutex<Vec<u8>>>);

    impl std::io::Write for Captured {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    fn log_with(format: LogFormat) -> String {
        let captured = Captured::default();
        let writer = captured.clone();
        let subscriber = tracing_subscriber::registry().with(formatter(format, move || writer.clone()));
        tracing::subscriber::with_default(subscriber, || {
            let span = tracing::info_span!("request", route = "/invoices/{id}");
            let _entered = span.enter();
            tracing::warn!(job_id = 42, kind = "deliver_invoice", "job failed; will retry");
        });
        String::from_utf8(captured.0.lock().unwrap().clone()).unwrap()
    }

    #[test]
    fn json_format_writes_one_object_per_line_with_the_fields() {
        let out = log_with(LogFormat::Json);
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.len(), 1, "{out}");
        let line: serde_json::Value = serde_json::from_str(lines[0]).expect("a JSON object");
        assert_eq!(line["level"], "WARN");
        assert_eq!(line["message"], "job failed; will retry");
        assert_eq!(line["job_id"], 42);
        assert_eq!(line["kind"], "deliver_invoice");
        assert_eq!(line["span"]["route"], "/invoices/{id}");
        assert!(line["timestamp"].as_str().is_some_and(|t| t.contains('T')), "{line}");
    }

    #[test]
    fn text_format_is_one_readable_line() {
        let out = log_with(LogFormat::Text);
        assert!(out.contains("WARN") && out.contains("job failed; will retry") && out.contains("job_id=42"), "{out}");
        assert!(serde_json::from_str::<serde_json::Value>(out.trim()).is_err(), "{out}");
    }
}
