#include "influx/influx_history_store.h"

#include <fmt/format.h>

#include <algorithm>
#include <limits>
#include <numeric>
#include <unordered_map>
#include <unordered_set>

#include "influx/influxql.h"

namespace ntscada {
namespace {

// Hash for lookups by std::string_view, which build no std::string.
struct string_hash {
  using is_transparent = void;
  std::size_t operator()(std::string_view text) const {
    return std::hash<std::string_view>{}(text);
  }
};

// Positions of the columns that load() reads in one series chunk.
struct column_positions {
  int time = -1;
  int value = -1;
  int anomaly_label = -1;
  int sensor_id = -1;
  int sensor_type = -1;
  int asset_id = -1;
  int unit = -1;
};

column_positions find_columns(const influx_series_chunk& chunk) {
  column_positions positions;
  for (std::size_t i = 0; i < chunk.columns.size(); ++i) {
    std::string_view name = chunk.columns[i];
    int index = static_cast<int>(i);
    if (name == "time") positions.time = index;
    if (name == "value") positions.value = index;
    if (name == "anomaly_label") positions.anomaly_label = index;
    if (name == "sensor_id") positions.sensor_id = index;
    if (name == "sensor_type") positions.sensor_type = index;
    if (name == "asset_id") positions.asset_id = index;
    if (name == "unit") positions.unit = index;
  }
  return positions;
}

std::string_view text_or_empty(simdjson::dom::element element) {
  std::string_view text;
  if (element.get(text) != simdjson::SUCCESS) return {};
  return text;
}

// Appends rows to a history in time order, ordering the rows of one
// timestamp by sensor id. Holds back only the rows of the latest timestamp.
class row_collector {
 public:
  explicit row_collector(reading_history& history) : history_(history) {}

  result<bool, std::string> add_chunk(const influx_series_chunk& chunk) {
    column_positions at = find_columns(chunk);
    if (at.time < 0 || at.value < 0 || at.sensor_id < 0) {
      return failure{fmt::format(
          "the query response for measurement {} lacks the time, value or "
          "sensor_id column",
          chunk.name)};
    }
    for (simdjson::dom::element element : chunk.rows) {
      simdjson::dom::array cells;
      if (element.get(cells) != simdjson::SUCCESS) {
        return failure{std::string("a query response row is not an array")};
      }
      epoch_ns time = 0;
      double value = 0;
      bool has_time = false;
      bool has_value = false;
      std::int8_t label = kNoLabel;
      std::string_view sensor_id, sensor_type, asset_id, unit;
      int column = 0;
      for (simdjson::dom::element cell : cells) {
        if (column == at.time) {
          has_time = cell.get(time) == simdjson::SUCCESS;
        } else if (column == at.value) {
          has_value = cell.get(value) == simdjson::SUCCESS;
        } else if (column == at.anomaly_label) {
          bool flag = false;
          if (cell.get(flag) == simdjson::SUCCESS) label = flag ? 1 : 0;
        } else if (column == at.sensor_id) {
          sensor_id = text_or_empty(cell);
        } else if (column == at.sensor_type) {
          sensor_type = text_or_empty(cell);
        } else if (column == at.asset_id) {
          asset_id = text_or_empty(cell);
        } else if (column == at.unit) {
          unit = text_or_empty(cell);
        }
        ++column;
      }
      // A point of the measurement without a value field, or one written
      // by another program without a sensor_id tag, is no reading.
      if (!has_time || !has_value || sensor_id.empty()) {
        ++skipped_;
        continue;
      }
      add_row(sensor_id, sensor_type, asset_id, unit, time, value, label);
    }
    return true;
  }

  // Appends the rows still held back; returns false when the server sent
  // rows out of time order, so that the caller sorts the history.
  bool finish() {
    flush_ties();
    return ordered_;
  }

  std::size_t skipped() const { return skipped_; }

 private:
  struct pending_row {
    std::uint32_t slot;
    epoch_ns time;
    double value;
    std::int8_t label;
  };

  void add_row(std::string_view sensor_id, std::string_view sensor_type,
               std::string_view asset_id, std::string_view unit, epoch_ns time,
               double value, std::int8_t label) {
    auto found = slots_.find(sensor_id);
    std::uint32_t slot;
    if (found != slots_.end()) {
      slot = found->second;
    } else {
      slot = static_cast<std::uint32_t>(sensors_.size());
      sensors_.push_back({std::string(sensor_id), std::string(sensor_type),
                          std::string(asset_id), std::string(unit)});
      history_index_.push_back(kNotInterned);
      slots_.emplace(sensors_.back().sensor_id, slot);
    }
    if (!ties_.empty() && time != ties_.front().time) {
      if (time < ties_.front().time) ordered_ = false;
      flush_ties();
    }
    ties_.push_back({slot, time, value, label});
  }

  // Appends the rows of one timestamp by sensor id. Sensors are interned
  // when their first row is appended, so that the history lists them in
  // the order of their first rows, as the SQLite store does.
  void flush_ties() {
    if (ties_.size() > 1) {
      std::stable_sort(ties_.begin(), ties_.end(),
                       [&](const pending_row& a, const pending_row& b) {
                         return sensors_[a.slot].sensor_id <
                                sensors_[b.slot].sensor_id;
                       });
    }
    for (const pending_row& r : ties_) {
      std::uint32_t& index = history_index_[r.slot];
      if (index == kNotInterned) index = history_.intern(sensors_[r.slot]);
      history_.append(index, r.time, r.value, r.label);
    }
    ties_.clear();
  }

  static constexpr std::uint32_t kNotInterned = ~std::uint32_t{0};

  reading_history& history_;
  // Sensors in order of arrival, by sensor id, and their history indexes.
  std::vector<sensor_info> sensors_;
  std::unordered_map<std::string, std::uint32_t, string_hash, std::equal_to<>>
      slots_;
  std::vector<std::uint32_t> history_index_;
  std::vector<pending_row> ties_;
  bool ordered_ = true;
  std::size_t skipped_ = 0;
};

// Returns `history` ordered by timestamp and then sensor id.
reading_history sorted_history(const reading_history& history) {
  std::vector<std::size_t> order(history.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  const auto& times = history.timestamps();
  const auto& sensor = history.sensor_column();
  const auto& sensors = history.sensors();
  std::stable_sort(
      order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        if (times[a] != times[b]) return times[a] < times[b];
        return sensors[sensor[a]].sensor_id < sensors[sensor[b]].sensor_id;
      });
  reading_history sorted;
  sorted.reserve(history.size());
  for (std::size_t i : order) {
    std::uint32_t index = sorted.intern(sensors[sensor[i]]);
    sorted.append(index, times[i], history.values()[i],
                  history.anomaly_labels()[i]);
  }
  return sorted;
}

}  // namespace

result<std::unique_ptr<influx_history_store>, std::string>
influx_history_store::create(influx_config config,
                             influx_store_options options) {
  if (options.schema.readings.empty()) {
    return failure{std::string("the InfluxDB readings measurement is empty")};
  }
  auto client = influx_client::create(std::move(config));
  if (!client) return failure{client.error()};
  return std::unique_ptr<influx_history_store>(
      new influx_history_store(std::move(client.value()), std::move(options)));
}

influx_history_store::influx_history_store(
    std::unique_ptr<influx_client> client, influx_store_options options)
    : client_(std::move(client)), options_(std::move(options)) {}

std::string influx_history_store::where_clause(
    const history_query& query) const {
  // Bare integers in a time condition are nanoseconds since the epoch.
  std::string where =
      fmt::format(" WHERE time >= {} AND time < {}", query.start, query.end);
  if (!query.sensor_ids.empty()) {
    std::unordered_set<std::string_view> seen;
    std::string any;
    for (const std::string& id : query.sensor_ids) {
      if (!seen.insert(id).second) continue;
      if (!any.empty()) any += " OR ";
      any += quote_identifier("sensor_id") + " = " + quote_string(id);
    }
    where += " AND (" + any + ")";
  }
  return where;
}

result<std::size_t, std::string> influx_history_store::count(
    const std::string& where) {
  std::size_t total = 0;
  auto counted = client_->query(
      "SELECT count(" + quote_identifier("value") + ") FROM " +
          quote_identifier(options_.schema.readings) + where,
      [&](const influx_series_chunk& chunk) -> result<bool, std::string> {
        for (simdjson::dom::element row : chunk.rows) {
          simdjson::dom::array cells;
          if (row.get(cells) != simdjson::SUCCESS) continue;
          std::int64_t rows = 0;
          std::size_t column = 0;
          for (simdjson::dom::element cell : cells) {
            if (column == 1 && cell.get(rows) == simdjson::SUCCESS) {
              total += static_cast<std::size_t>(rows);
            }
            ++column;
          }
        }
        return true;
      });
  if (!counted) {
    return failure{fmt::format("counting readings in {} failed: {}",
                               client_->config().describe(),
                               counted.error().describe())};
  }
  return total;
}

result<reading_history, std::string> influx_history_store::load(
    const history_query& query) {
  if (query.end < query.start) {
    return failure{fmt::format(
        "{}: invalid query window: end {} ns is before start {} ns; pass "
        "start <= end",
        client_->config().describe(), query.end, query.start)};
  }
  reading_history history;
  if (query.end == query.start) return history;

  std::string where = where_clause(query);
  auto rows = count(where);
  if (!rows) return failure{rows.error()};
  history.reserve(rows.value());

  std::string select = "SELECT ";
  const char* columns[] = {"value",       "anomaly_label", "sensor_id",
                           "sensor_type", "asset_id",      "unit"};
  for (std::size_t i = 0; i < std::size(columns); ++i) {
    if (i > 0) select += ",";
    select += quote_identifier(columns[i]);
  }
  select += " FROM " + quote_identifier(options_.schema.readings) + where;

  row_collector collector(history);
  auto loaded = client_->query(select, [&](const influx_series_chunk& chunk) {
    return collector.add_chunk(chunk);
  });
  if (!loaded) {
    return failure{fmt::format("loading readings from {} failed: {}",
                               client_->config().describe(),
                               loaded.error().describe())};
  }
  if (!collector.finish()) return sorted_history(history);
  return history;
}

result<bool, std::string> influx_history_store::append(
    std::span<const reading> readings) {
  std::string lines;
  for (const reading& r : readings) {
    auto added = append_reading_point(lines, options_.schema.readings, r);
    if (!added) {
      return failure{fmt::format(
          "{}: not writing {} readings because one of sensor {:?} at {} ns "
          "cannot be written: {}",
          client_->config().describe(), readings.size(), r.sensor_id,
          r.timestamp, added.error().detail)};
    }
  }
  auto written = write_lines(lines);
  if (!written) {
    return failure{fmt::format("writing {} readings to {} failed: {}",
                               readings.size(), client_->config().describe(),
                               written.error().describe())};
  }
  return true;
}

result<bool, influx_error> influx_history_store::write_lines(
    std::string_view lines) {
  while (!lines.empty()) {
    std::size_t size = lines.size();
    if (size > options_.max_request_bytes) {
      // Cut after the last line feed that fits; a single longer line goes
      // alone.
      std::size_t cut = lines.rfind('\n', options_.max_request_bytes - 1);
      size = cut == std::string_view::npos ? lines.find('\n') : cut;
      size = size == std::string_view::npos ? lines.size() : size + 1;
    }
    auto written = client_->write(lines.substr(0, size));
    if (!written) return written;
    lines.remove_prefix(size);
  }
  return true;
}

}  // namespace ntscada
