#include "kafka/client_metrics.h"

#include <fmt/format.h>

#include <string>

namespace ntscada {

void write_consumer_metrics(exposition_writer& out, std::string_view prefix,
                            const client_statistics& statistics) {
  out.family(fmt::format("{}_kafka_brokers_up", prefix), metric_type::gauge,
             "Brokers that the consumer is connected to, from librdkafka "
             "statistics.")
      .sample({}, static_cast<double>(statistics.brokers_up()));
  out.family(fmt::format("{}_consumer_lag_messages", prefix),
             metric_type::gauge,
             "Messages between a partition's high watermark and the "
             "consumer's stored or committed offset, from librdkafka "
             "statistics; only partitions assigned to this process.");
  std::string partition;
  for (const partition_lag& lag : statistics.partition_lags()) {
    partition = std::to_string(lag.partition);
    out.sample({{"topic", lag.topic}, {"partition", partition}},
               static_cast<double>(lag.messages));
  }
}

readiness_check kafka_connection_check(const client_statistics& statistics) {
  return {"kafka", [&statistics]() -> std::optional<std::string> {
            if (!statistics.received()) {
              return "no librdkafka statistics yet; the consumer has not "
                     "reported a broker connection";
            }
            if (statistics.brokers_up() == 0) {
              return fmt::format("not connected: 0 of {} known brokers are up",
                                 statistics.brokers_known());
            }
            return std::nullopt;
          }};
}

}  // namespace ntscada
