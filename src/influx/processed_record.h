#pragma once

#include <string>
#include <string_view>

#include "common/result.h"
#include "reading/reading.h"

namespace ntscada {

// A record of `scada.processed` as the stream processor writes it (see
// append_result_json): the reading and the verdict on it. Only the members
// that InfluxDB stores are kept.
struct processed_record {
  reading input;
  bool anomaly_detected = false;
  double confidence = 0.0;
  std::string operational_state;
  std::string severity;
  std::string category;
  std::string detector;
};

// Parses one `scada.processed` record. Requires sensor_id, sensor_type,
// a finite value, an RFC 3339 timestamp, anomaly_detected, confidence,
// operational_state and severity; unit, asset_id, category, detector and
// the labels are optional. The error names the member.
result<processed_record, std::string> parse_processed_record(
    std::string_view json);

}  // namespace ntscada
