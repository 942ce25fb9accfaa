#include "stream/stream_metrics.h"

#include <string>

#include "kafka/client_metrics.h"

namespace ntscada {
namespace {

void write_counters(exposition_writer& out, const stream_stats& stats) {
  out.family("ntscada_stream_messages_consumed_total", metric_type::counter,
             "Kafka messages consumed from the input topic, valid or not.")
      .sample({}, stats.messages_consumed.load());
  out.family("ntscada_stream_readings_valid_total", metric_type::counter,
             "Consumed messages that passed validation and were scored.")
      .sample({}, stats.readings_valid.load());
  out.family("ntscada_stream_coerced_numeric_strings_total",
             metric_type::counter,
             "Valid readings whose value was a numeric string.")
      .sample({}, stats.coerced_numeric_strings.load());
  out.family("ntscada_stream_results_acknowledged_total", metric_type::counter,
             "Results acknowledged by the broker on the processed topic.")
      .sample({}, stats.results_acknowledged.load());
  out.family("ntscada_stream_anomalies_acknowledged_total",
             metric_type::counter,
             "Anomalies acknowledged by the broker on the anomalies topic.")
      .sample({}, stats.anomalies_acknowledged.load());
  out.family("ntscada_stream_deadletters_acknowledged_total",
             metric_type::counter,
             "Dead letters acknowledged by the broker on the dead-letter "
             "topic.")
      .sample({}, stats.deadletters_acknowledged.load());

  out.family("ntscada_stream_anomalies_total", metric_type::counter,
             "Readings scored as anomalous, by severity.");
  for (std::size_t i = 0; i < all_severities.size(); ++i) {
    out.sample({{"severity", to_string(all_severities[i])}},
               stats.anomalies_by_severity[i].load());
  }
  out.family("ntscada_stream_states_total", metric_type::counter,
             "Scored readings by operational state.");
  for (std::size_t i = 0; i < all_operational_states.size(); ++i) {
    out.sample({{"state", to_string(all_operational_states[i])}},
               stats.states[i].load());
  }
  out.family("ntscada_stream_deadletters_total", metric_type::counter,
             "Messages rejected by validation, by reject reason code.");
  for (std::size_t i = 0; i < all_reject_reasons.size(); ++i) {
    out.sample({{"reason", to_code(all_reject_reasons[i])}},
               stats.deadletters_by_reason[i].load());
  }
}

void write_errors(exposition_writer& out, const stream_stats& stats) {
  auto delivery_errors = stats.delivery_errors_snapshot();
  std::uint64_t delivery_total = 0;
  for (const auto& [name, count] : delivery_errors) delivery_total += count;
  out.family("ntscada_stream_errors_total", metric_type::counter,
             "Errors by kind: consumer errors other than end of partition, "
             "and failed produce calls or deliveries.")
      .sample({{"kind", "consumer"}}, stats.consumer_errors.load())
      .sample({{"kind", "delivery"}}, delivery_total);
  out.family("ntscada_stream_delivery_errors_total", metric_type::counter,
             "Failed produce calls and deliveries by librdkafka error name; "
             "a name appears after its first occurrence.");
  for (const auto& [name, count] : delivery_errors) {
    out.sample({{"error", name}}, count);
  }
  out.family("ntscada_stream_produce_retries_total", metric_type::counter,
             "Outputs produced again after a retriable delivery failure.")
      .sample({}, stats.produce_retries.load());
  out.family("ntscada_stream_outputs_dropped_total", metric_type::counter,
             "Outputs that the broker rejected for good and that were "
             "skipped.")
      .sample({}, stats.outputs_dropped.load());
}

void write_latencies(exposition_writer& out, const stream_stats& stats) {
  out.family("ntscada_stream_end_to_end_latency_seconds",
             metric_type::histogram,
             "From the input record's Kafka timestamp to the broker's "
             "acknowledgement of its result or dead letter.")
      .histogram({}, stats.end_to_end_latency.snapshot());
  out.family("ntscada_stream_processing_latency_seconds",
             metric_type::histogram,
             "From consumption of an input to the broker's acknowledgement "
             "of its result or dead letter.")
      .histogram({}, stats.processing_latency.snapshot());
  out.family("ntscada_stream_batch_duration_seconds", metric_type::histogram,
             "Time to parse, score and enqueue one micro-batch.")
      .histogram({}, stats.batch_duration.snapshot());
}

void write_consumer(exposition_writer& out, const stream_stats& stats) {
  out.family("ntscada_stream_assigned_partitions", metric_type::gauge,
             "Input partitions currently assigned to this processor.")
      .sample({}, static_cast<double>(stats.assigned_partitions.load()));
  write_consumer_metrics(out, "ntscada_stream", stats.consumer_statistics);
}

void write_model(exposition_writer& out, const stream_stats& stats) {
  model_identity model = stats.model();
  out.family("ntscada_stream_model_info", metric_type::gauge,
             "Always 1; the labels name the model or rule set that scores "
             "readings.")
      .sample({{"model", model.name}, {"version", model.version}}, 1.0);
}

}  // namespace

void add_stream_metrics(metric_registry& registry, const stream_stats& stats) {
  registry.add([&stats](exposition_writer& out) {
    write_counters(out, stats);
    write_errors(out, stats);
    write_latencies(out, stats);
    write_consumer(out, stats);
    write_model(out, stats);
  });
}

std::vector<readiness_check> stream_readiness_checks(
    const stream_stats& stats) {
  std::vector<readiness_check> checks;
  checks.push_back(kafka_connection_check(stats.consumer_statistics));
  checks.push_back({"scorer", [&stats]() -> std::optional<std::string> {
                      if (stats.model().name.empty()) {
                        return "no model or rule set is loaded";
                      }
                      return std::nullopt;
                    }});
  return checks;
}

}  // namespace ntscada
