#include "serving/serving_metrics.h"

namespace ntscada {

void add_serving_metrics(metric_registry& registry,
                         const serving_stats& stats) {
  registry.add([&stats](exposition_writer& out) {
    out.family("ntscada_stream_model_checks_total", metric_type::counter,
               "Checks of the registry for the models to serve.")
        .sample({}, stats.checks.load());
    out.family("ntscada_stream_model_reloads_total", metric_type::counter,
               "Model pairs loaded, verified and handed to the scorer.")
        .sample({}, stats.reloads.load());
    out.family("ntscada_stream_model_load_failures_total", metric_type::counter,
               "Model pairs that failed to load or verify.")
        .sample({}, stats.load_failures.load());
    out.family("ntscada_stream_model_fallbacks_total", metric_type::counter,
               "Times the envelope rules went on scoring because no model "
               "was usable, counted once per new reason.")
        .sample({}, stats.rule_fallbacks.load());
  });
}

}  // namespace ntscada
