#pragma once

#include <string_view>

#include "kafka/client_statistics.h"
#include "monitoring/exposition.h"
#include "monitoring/readiness.h"

namespace ntscada {

// Writes <prefix>_kafka_brokers_up and <prefix>_consumer_lag_messages
// (labels topic and partition) from a consumer's statistics. `prefix` is a
// metric name prefix such as "ntscada_stream".
void write_consumer_metrics(exposition_writer& out, std::string_view prefix,
                            const client_statistics& statistics);

// A readiness check named "kafka" that passes while the consumer is
// connected to at least one broker. `statistics` must outlive the check.
readiness_check kafka_connection_check(const client_statistics& statistics);

}  // namespace ntscada
