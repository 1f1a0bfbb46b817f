-- The deliveries table is a queue: a burst of events (a bank file matching thousands of
-- invoices) can outgrow its statistics within seconds, and with statistics that still
-- say "a few rows" the planner probes the order of deliveries through the delivery
-- log's index, reading every delivery of the endpoint for each candidate. Analyse it
-- after far fewer changes than the default 10 %, so the planner soon sees the burst.
ALTER TABLE webhook_deliveries SET (autovacuum_analyze_scale_factor = 0.01, autovacuum_analyze_threshold = 200);
