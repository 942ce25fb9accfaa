#pragma once

#include <vector>

#include "monitoring/metric_registry.h"
#include "monitoring/readiness.h"
#include "stream/stream_stats.h"

namespace ntscada {

// Adds the stream processor's metric families (ntscada_stream_*) to
// `registry`. Values are read from `stats` at scrape time, so `stats` must
// outlive every render of the registry. No label takes an unbounded value:
// severities, states, reject reasons and librdkafka error names are fixed
// sets, and partitions are bounded by the topic's partition count. Sensor
// ids never become labels.
void add_stream_metrics(metric_registry& registry, const stream_stats& stats);

// The stream processor's readiness checks: "kafka" passes while the
// consumer has a connection to at least one broker, "scorer" once a model
// or rule set is in use. `stats` must outlive the checks.
std::vector<readiness_check> stream_readiness_checks(const stream_stats& stats);

}  // namespace ntscada
