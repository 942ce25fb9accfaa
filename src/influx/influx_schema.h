#pragma once

#include <string>

#include "common/result.h"
#include "influx/line_protocol.h"
#include "influx/processed_record.h"
#include "reading/reading.h"

namespace ntscada {

// Measurement names, configurable so that several plants or test runs can
// share a database. docs/influxdb.md describes the whole mapping.
struct influx_schema {
  std::string readings = "readings";
  std::string results = "results";
};

// Appends the line of one reading to `out`, in measurement `measurement`.
// Tags are asset_id (when set), sensor_id, sensor_type and unit. Fields are
// value (always a float), anomaly_label and changepoint_label (booleans,
// when the reading has them), quality (a string, when set), and
// original_value and original_unit (when the parser converted the unit).
// The timestamp is in nanoseconds. On failure appends nothing; the error code
// names the element, such as "sensor_id_unrepresentable".
result<bool, line_protocol_error> append_reading_point(
    std::string& out, const std::string& measurement, const reading& r);

// Appends the line of one processed record: the same tags and value field
// as a reading, the anomaly_label field when present, and the verdict as
// fields anomaly_detected (boolean), confidence (float), operational_state,
// severity, category and detector (strings).
result<bool, line_protocol_error> append_result_point(
    std::string& out, const std::string& measurement,
    const processed_record& record);

}  // namespace ntscada
