#include "monitoring/process_metrics.h"

#include <chrono>

namespace ntscada {

void add_process_metrics(metric_registry& registry, std::string version,
                         std::string command) {
  double start_seconds =
      std::chrono::duration<double>(
          std::chrono::system_clock::now().time_since_epoch())
          .count();
  registry.add([version = std::move(version), command = std::move(command),
                start_seconds](exposition_writer& out) {
    out.family("ntscada_build_info", metric_type::gauge,
               "Always 1; the labels name the NT-SCADA version and command.")
        .sample({{"version", version}, {"command", command}}, 1.0);
    out.family("process_start_time_seconds", metric_type::gauge,
               "Start time of the process since the Unix epoch in seconds.")
        .sample({}, start_seconds);
  });
}

}  // namespace ntscada
