#include "history/reading_history.h"

namespace ntscada {

std::uint32_t reading_history::intern(const sensor_info& info) {
  auto [it, inserted] = sensor_index_.try_emplace(
      info.sensor_id, static_cast<std::uint32_t>(sensors_.size()));
  if (inserted) sensors_.push_back(info);
  return it->second;
}

void reading_history::append(const reading& r) {
  std::uint32_t sensor =
      intern({r.sensor_id, r.sensor_type, r.asset_id.value_or(""), r.unit});
  std::int8_t label = kNoLabel;
  if (r.labels.anomaly) label = *r.labels.anomaly ? 1 : 0;
  append(sensor, r.timestamp, r.value, label);
}

void reading_history::append(std::uint32_t sensor, epoch_ns timestamp,
                             double value, std::int8_t anomaly_label) {
  sensor_.push_back(sensor);
  timestamps_.push_back(timestamp);
  values_.push_back(value);
  labels_.push_back(anomaly_label);
}

void reading_history::reserve(std::size_t rows) {
  sensor_.reserve(rows);
  timestamps_.reserve(rows);
  values_.reserve(rows);
  labels_.reserve(rows);
}

}  // namespace ntscada
