#include "scoring/result_record.h"

#include "common/json_writer.h"
#include "reading/timestamp.h"

namespace ntscada {
namespace {

void write_reading_members(json_object_writer& writer, const reading& r) {
  writer.member("sensor_id", r.sensor_id)
      .member("sensor_type", r.sensor_type)
      .member("value", r.value);
  if (!r.unit.empty()) writer.member("unit", r.unit);
  writer.member("timestamp", format_rfc3339(r.timestamp));
  if (r.asset_id) writer.member("asset_id", *r.asset_id);
  if (r.quality) writer.member("quality", *r.quality);
  if (r.labels.anomaly) writer.member("anomaly_label", *r.labels.anomaly);
  if (r.labels.changepoint) {
    writer.member("changepoint_label", *r.labels.changepoint);
  }
}

}  // namespace

void append_result_json(std::string& out, const reading& r, const score& s,
                        std::string_view detector, epoch_ns processing_time,
                        const source_position& source) {
  json_object_writer writer(out);
  write_reading_members(writer, r);
  if (r.original_value) writer.member("original_value", *r.original_value);
  if (r.original_unit) writer.member("original_unit", *r.original_unit);
  writer.member("anomaly_detected", s.anomaly)
      .member("confidence", s.confidence)
      .member("operational_state", to_string(s.state))
      .member("severity", to_string(s.level))
      .member("category", to_string(s.kind))
      .member("detector", detector);
  if (s.warming_up) writer.member("warming_up", true);
  writer.member("processing_timestamp", format_rfc3339(processing_time));

  std::string position;
  json_object_writer(position)
      .member("topic", source.topic)
      .member("partition", std::int64_t{source.partition})
      .member("offset", source.offset)
      .finish();
  writer.raw_member("source", position);
  writer.finish();
}

void append_reading_json(std::string& out, const reading& r) {
  json_object_writer writer(out);
  write_reading_members(writer, r);
  writer.finish();
}

}  // namespace ntscada
