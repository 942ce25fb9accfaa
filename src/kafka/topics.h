#pragma once

#include <string>

namespace ntscada {

// Topic names, overridable per command.
struct topic_names {
  std::string sensors = "scada.sensors";
  std::string processed = "scada.processed";
  std::string anomalies = "scada.anomalies";
  std::string deadletter = "scada.deadletter";
};

}  // namespace ntscada
