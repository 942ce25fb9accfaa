#pragma once

#include <string>

#include "monitoring/metric_registry.h"

namespace ntscada {

// Adds ntscada_build_info{version,command} (always 1) and
// process_start_time_seconds, the Unix time at which this call ran. A
// restart shows as a new start time, which distinguishes counter resets
// from a stalled process.
void add_process_metrics(metric_registry& registry, std::string version,
                         std::string command);

}  // namespace ntscada
