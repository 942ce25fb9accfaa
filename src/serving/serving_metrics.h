#pragma once

#include "monitoring/metric_registry.h"
#include "serving/serving_stats.h"

namespace ntscada {

// Adds the model-serving families (ntscada_stream_model_*_total) to
// `registry`, read from `stats` at scrape time, so `stats` must outlive
// every render. The families have no labels.
void add_serving_metrics(metric_registry& registry, const serving_stats& stats);

}  // namespace ntscada
