//! Logging setup. Nothing secret is ever a field: codes, tokens and keys are not
//! passed to `tracing` at all, and email addresses appear only as keyed pseudonyms.
//!
//! `log.format` picks the line format: text for people, or JSON (one object per line
//! with the timestamp, level, message and the event's fields, flattened) for a log
//! collector, from tracing-subscriber's own JSON formatter.
//!
//! `log.otlp_endpoint` also sends the spans (each request's, with its events) to an
//! OpenTelemetry collector over OTLP/HTTP in protobuf, batched off the request path by
//! the SDK's own thread. The request span names the matched route template, never the
//! URL, so customer-link tokens and ids in paths do not leave in traces.

use std::time::Duration;

use opentelemetry::trace::TracerProvider;
use opentelemetry_otlp::{Protocol, WithExportConfig};
use opentelemetry_sdk::{
    Resource,
    trace::{SdkTracer, SdkTracerProvider},
};
use tracing::Subscriber;
use tracing_opentelemetry::OpenTelemetryLayer;
use tracing_subscriber::{EnvFilter, Layer, Registry, fmt, fmt::MakeWriter, prelude::*, registry::LookupSpan};

use crate::config::{LogFormat, LogSettings};

/// The span export, while there is one: shut it down at exit so the last batch is sent.
pub struct TraceExport(SdkTracerProvider);

impl TraceExport {
    pub fn shutdown(self) {
        if let Err(e) = self.0.shutdown() {
            eprintln!("fastfaktura: the last spans could not be exported: {e}");
        }
    }
}

/// Installs the global subscriber; `RUST_LOG` wins over the configured filter (for the
/// log lines and the exported spans alike).
pub fn init(settings: &LogSettings) -> Option<TraceExport> {
    let filter = || {
        EnvFilter::try_from_default_env()
            .or_else(|_| EnvFilter::try_new(&settings.filter))
            .unwrap_or_else(|_| EnvFilter::new("info"))
    };
    let lines = formatter(settings.format, std::io::stdout).with_filter(filter());
    let (spans, export) = match settings.otlp_endpoint.as_deref().map(otlp) {
        Some(Ok((layer, provider))) => (Some(layer.with_filter(filter())), Some(TraceExport(provider))),
        Some(Err(e)) => {
            eprintln!("fastfaktura: log.otlp_endpoint: the span exporter cannot be set up: {e}");
            (None, None)
        }
        None => (None, None),
    };
    let _ = tracing_subscriber::registry().with(lines).with(spans).with(crate::metrics::pool_wait_layer()).try_init();
    export
}

/// The layer that turns spans into OpenTelemetry spans exported to `endpoint` (a
/// collector's OTLP/HTTP base URL, e.g. `http://127.0.0.1:4318`; they go to
/// `/v1/traces`), and the provider that batches and sends them.
pub fn otlp<S>(
    endpoint: &str,
) -> Result<(OpenTelemetryLayer<S, SdkTracer>, SdkTracerProvider), opentelemetry_otlp::ExporterBuildError>
where
    S: Subscriber + for<'span> LookupSpan<'span>,
{
    let exporter = opentelemetry_otlp::SpanExporter::builder()
        .with_http()
        .with_protocol(Protocol::HttpBinary)
        .with_endpoint(format!("{}/v1/traces", endpoint.trim_end_matches('/')))
        .with_timeout(Duration::from_secs(10))
        .build()?;
    let resource = Resource::builder().with_service_name("fastfaktura").build();
    let provider = SdkTracerProvider::builder().with_batch_exporter(exporter).with_resource(resource).build();
    let tracer = provider.tracer("fastfaktura");
    Ok((tracing_opentelemetry::layer().with_tracer(tracer), provider))
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

    /// A collector on loopback: what arrives at `/v1/traces`, as (content type, body).
    fn collector() -> (String, std::sync::mpsc::Receiver<(String, Vec<u8>)>) {
        use axum::{Router, body::Bytes, http::HeaderMap, routing::post};
        let (sent, received) = std::sync::mpsc::channel();
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let address = format!("http://{}", listener.local_addr().unwrap());
        listener.set_nonblocking(true).unwrap();
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
            runtime.block_on(async move {
                let listener = tokio::net::TcpListener::from_std(listener).unwrap();
                let traces = post(move |headers: HeaderMap, body: Bytes| async move {
                    let kind = headers.get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
                    let _ = sent.send((kind, body.to_vec()));
                    ""
                });
                axum::serve(listener, Router::new().route("/v1/traces", traces)).await.unwrap();
            });
        });
        (address, received)
    }

    #[test]
    fn spans_are_exported_over_otlp_http_to_the_collector() {
        let (endpoint, received) = collector();
        let (layer, provider) = otlp(&endpoint).unwrap();
        let subscriber = tracing_subscriber::registry().with(layer);
        tracing::subscriber::with_default(subscriber, || {
            let span = tracing::info_span!("request", method = "GET", route = "/invoices/{id}");
            let _entered = span.enter();
            tracing::info!(status = 200, "answered");
        });
        provider.force_flush().unwrap();
        let (kind, body) = received.recv_timeout(Duration::from_secs(20)).expect("the collector got the spans");
        assert_eq!(kind, "application/x-protobuf");
        // Protobuf keeps strings as they are: the service, the span and its attribute.
        let has = |needle: &str| body.windows(needle.len()).any(|w| w == needle.as_bytes());
        for needle in ["fastfaktura", "request", "/invoices/{id}", "answered"] {
            assert!(has(needle), "{needle} in the exported spans");
        }
        provider.shutdown().unwrap();
    }

    #[test]
    fn text_format_is_one_readable_line() {
        let out = log_with(LogFormat::Text);
        assert!(out.contains("WARN") && out.contains("job failed; will retry") && out.contains("job_id=42"), "{out}");
        assert!(serde_json::from_str::<serde_json::Value>(out.trim()).is_err(), "{out}");
    }
}
