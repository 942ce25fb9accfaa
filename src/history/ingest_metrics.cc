#include "history/ingest_metrics.h"

#include "kafka/client_metrics.h"

namespace ntscada {

void add_ingest_metrics(metric_registry& registry, const ingest_stats& stats) {
  registry.add([&stats](exposition_writer& out) {
    out.family("ntscada_ingest_messages_consumed_total", metric_type::counter,
               "Kafka messages consumed, valid or not.")
        .sample({}, stats.consumed.load());
    out.family("ntscada_ingest_readings_stored_total", metric_type::counter,
               "Readings in batches whose write to the history store "
               "committed.")
        .sample({}, stats.stored.load());
    out.family("ntscada_ingest_invalid_messages_total", metric_type::counter,
               "Messages that failed validation and were not stored.")
        .sample({}, stats.invalid.load());
    out.family("ntscada_ingest_batches_total", metric_type::counter,
               "Batches written to the history store.")
        .sample({}, stats.batches.load());
    out.family("ntscada_ingest_errors_total", metric_type::counter,
               "Errors by kind: failed store writes, failed offset commits "
               "and consumer errors other than end of partition.")
        .sample({{"kind", "store"}}, stats.store_failures.load())
        .sample({{"kind", "commit"}}, stats.commit_failures.load())
        .sample({{"kind", "consumer"}}, stats.consumer_errors.load());
    out.family("ntscada_ingest_store_failing", metric_type::gauge,
               "1 from a failed write to the history store until the next "
               "successful one, else 0.")
        .sample({}, stats.store_failing.load() ? 1.0 : 0.0);
    write_consumer_metrics(out, "ntscada_ingest", stats.consumer_statistics);
  });
}

std::vector<readiness_check> ingest_readiness_checks(
    const ingest_stats& stats) {
  std::vector<readiness_check> checks;
  checks.push_back(kafka_connection_check(stats.consumer_statistics));
  checks.push_back({"store", [&stats]() -> std::optional<std::string> {
                      if (stats.store_failing.load()) {
                        return "the last write to the history store failed; "
                               "it is being retried";
                      }
                      return std::nullopt;
                    }});
  return checks;
}

}  // namespace ntscada
