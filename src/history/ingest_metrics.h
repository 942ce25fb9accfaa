#pragma once

#include <vector>

#include "history/history_ingester.h"
#include "monitoring/metric_registry.h"
#include "monitoring/readiness.h"

namespace ntscada {

// Adds the ingester's metric families (ntscada_ingest_*) to `registry`.
// Values are read from `stats` at scrape time, so `stats` must outlive
// every render.
void add_ingest_metrics(metric_registry& registry, const ingest_stats& stats);

// The ingester's readiness checks: "kafka" passes while the consumer is
// connected to at least one broker, "store" while the last write to the
// history store succeeded (or none has been tried since it was opened).
// `stats` must outlive the checks.
std::vector<readiness_check> ingest_readiness_checks(const ingest_stats& stats);

}  // namespace ntscada
