#include "influx/influx_schema.h"

namespace ntscada {
namespace {

// Tags in key order, the order InfluxDB keeps them in.
void add_reading_tags(line_builder& line, const reading& r) {
  line.tag("asset_id", r.asset_id ? std::string_view(*r.asset_id) : "")
      .tag("sensor_id", r.sensor_id)
      .tag("sensor_type", r.sensor_type)
      .tag("unit", r.unit);
}

}  // namespace

result<bool, line_protocol_error> append_reading_point(
    std::string& out, const std::string& measurement, const reading& r) {
  line_builder line(out);
  line.begin(measurement);
  add_reading_tags(line, r);
  line.field_float("value", r.value);
  if (r.labels.anomaly) line.field_bool("anomaly_label", *r.labels.anomaly);
  if (r.labels.changepoint) {
    line.field_bool("changepoint_label", *r.labels.changepoint);
  }
  if (r.quality) line.field_string("quality", *r.quality);
  if (r.original_value) line.field_float("original_value", *r.original_value);
  if (r.original_unit) line.field_string("original_unit", *r.original_unit);
  return line.finish(r.timestamp);
}

result<bool, line_protocol_error> append_result_point(
    std::string& out, const std::string& measurement,
    const processed_record& record) {
  const reading& r = record.input;
  line_builder line(out);
  line.begin(measurement);
  add_reading_tags(line, r);
  line.field_float("value", r.value);
  if (r.labels.anomaly) line.field_bool("anomaly_label", *r.labels.anomaly);
  line.field_bool("anomaly_detected", record.anomaly_detected)
      .field_float("confidence", record.confidence)
      .field_string("operational_state", record.operational_state)
      .field_string("severity", record.severity);
  if (!record.category.empty()) {
    line.field_string("category", record.category);
  }
  if (!record.detector.empty()) {
    line.field_string("detector", record.detector);
  }
  return line.finish(r.timestamp);
}

}  // namespace ntscada
