#include "replay/skab_reader.h"

#include <fmt/format.h>

#include <array>
#include <optional>

#include "replay/csv_text.h"

namespace ntscada {
namespace {

constexpr char kSeparator = ';';
constexpr std::string_view kTimeColumn = "datetime";
constexpr std::string_view kAnomalyColumn = "anomaly";
constexpr std::string_view kChangepointColumn = "changepoint";

struct named_kind {
  std::string_view column;
  skab_sensor_kind kind;
};

constexpr std::array kKnownColumns = {
    named_kind{"Accelerometer1RMS", {"vibration", "g"}},
    named_kind{"Accelerometer2RMS", {"vibration", "g"}},
    named_kind{"Current", {"current", "A"}},
    named_kind{"Pressure", {"pressure", "bar"}},
    named_kind{"Temperature", {"temperature", "C"}},
    named_kind{"Thermocouple", {"temperature", "C"}},
    named_kind{"Voltage", {"voltage", "V"}},
    named_kind{"Volume Flow RateRMS", {"flow_rate", "l/min"}},
};

// Role and sensor identity of one header column.
struct column_plan {
  enum class column_role { time, sensor, anomaly, changepoint } role;
  std::string_view name;  // header text, pointing into the parsed text
  std::string sensor_id;  // sensor columns only
  skab_sensor_kind kind;  // sensor columns only
};

result<std::vector<column_plan>, std::string> plan_columns(
    std::string_view header, std::string_view source,
    std::string_view asset_id) {
  std::vector<std::string_view> names = split_fields(header, kSeparator);
  if (names.front() != kTimeColumn) {
    return failure{
        fmt::format("{}:1: invalid SKAB header: the first column "
                    "is '{}', expected '{}'",
                    source, names.front(), kTimeColumn)};
  }
  std::vector<column_plan> plan;
  std::size_t sensor_count = 0;
  for (std::size_t i = 0; i < names.size(); ++i) {
    std::string_view name = names[i];
    if (name.empty()) {
      return failure{
          fmt::format("{}:1: invalid SKAB header: column {} has "
                      "an empty name",
                      source, i + 1)};
    }
    for (std::size_t j = 0; j < i; ++j) {
      if (names[j] == name) {
        return failure{
            fmt::format("{}:1: invalid SKAB header: column '{}' "
                        "appears twice",
                        source, name)};
      }
    }
    column_plan column{column_plan::column_role::sensor, name, {}, {}};
    if (i == 0) {
      column.role = column_plan::column_role::time;
    } else if (name == kAnomalyColumn) {
      column.role = column_plan::column_role::anomaly;
    } else if (name == kChangepointColumn) {
      column.role = column_plan::column_role::changepoint;
    } else if (name == kTimeColumn) {
      return failure{
          fmt::format("{}:1: invalid SKAB header: '{}' must be "
                      "the first column only",
                      source, kTimeColumn)};
    } else {
      column.sensor_id = fmt::format("{}/{}", asset_id, name);
      column.kind = skab_sensor_kind_of(name);
      ++sensor_count;
    }
    plan.push_back(std::move(column));
  }
  if (sensor_count == 0) {
    return failure{
        fmt::format("{}:1: invalid SKAB header: no sensor "
                    "columns after '{}'",
                    source, kTimeColumn)};
  }
  return plan;
}

// Reads a label column, which SKAB writes as 0.0 or 1.0.
result<bool, std::string> parse_label(std::string_view field) {
  auto number = parse_finite_number(field);
  if (number && (number.value() == 0.0 || number.value() == 1.0)) {
    return number.value() == 1.0;
  }
  return failure{fmt::format("'{}' is not 0 or 1", field)};
}

}  // namespace

skab_sensor_kind skab_sensor_kind_of(std::string_view column) {
  for (const named_kind& known : kKnownColumns) {
    if (known.column == column) return known.kind;
  }
  return {"other", ""};
}

bool is_skab_header(std::string_view header_line) {
  return header_line.starts_with(kTimeColumn) &&
         header_line.size() > kTimeColumn.size() &&
         header_line[kTimeColumn.size()] == kSeparator;
}

result<std::vector<labelled_reading>, std::string> parse_skab(
    std::string_view text, std::string_view source, std::string_view asset_id) {
  if (asset_id.empty()) {
    return failure{
        fmt::format("{}: the asset id is empty; pass the asset "
                    "that the file was recorded on",
                    source)};
  }
  line_splitter lines(text);
  std::string_view line;
  if (!lines.next(line)) {
    return failure{
        fmt::format("{}: the file is empty; expected a SKAB "
                    "header line",
                    source)};
  }
  auto plan = plan_columns(line, source, asset_id);
  if (!plan) return failure{plan.error()};
  const std::vector<column_plan>& columns = plan.value();

  std::vector<labelled_reading> out;
  std::size_t row = 0;
  while (lines.next(line)) {
    std::size_t line_number = lines.line_number();
    std::vector<std::string_view> fields = split_fields(line, kSeparator);
    if (fields.size() != columns.size()) {
      return failure{fmt::format(
          "{}:{}: expected {} fields separated by "
          "'{}', found {}",
          source, line_number, columns.size(), kSeparator, fields.size())};
    }
    auto timestamp = parse_utc_datetime(fields[0]);
    if (!timestamp) {
      return failure{fmt::format("{}:{}: column '{}': {}", source, line_number,
                                 kTimeColumn, timestamp.error())};
    }

    reading_labels labels;
    std::size_t first_reading = out.size();
    for (std::size_t i = 1; i < columns.size(); ++i) {
      const column_plan& column = columns[i];
      if (column.role == column_plan::column_role::sensor) {
        auto value = parse_finite_number(fields[i]);
        if (!value) {
          return failure{fmt::format("{}:{}: column '{}': {}", source,
                                     line_number, column.name, value.error())};
        }
        labelled_reading& item = out.emplace_back();
        item.row = row;
        item.r.sensor_id = column.sensor_id;
        item.r.sensor_type = column.kind.sensor_type;
        item.r.unit = column.kind.unit;
        item.r.value = value.value();
        item.r.timestamp = timestamp.value();
        item.r.asset_id = std::string(asset_id);
        continue;
      }
      auto label = parse_label(fields[i]);
      if (!label) {
        return failure{fmt::format("{}:{}: column '{}': {}", source,
                                   line_number, column.name, label.error())};
      }
      if (column.role == column_plan::column_role::anomaly) {
        labels.anomaly = label.value();
      } else {
        labels.changepoint = label.value();
      }
    }
    // Label columns may precede sensor columns, so labels are applied once
    // the whole row is read.
    for (std::size_t i = first_reading; i < out.size(); ++i) {
      out[i].r.labels = labels;
    }
    ++row;
  }
  return out;
}

result<std::vector<labelled_reading>, std::string> read_skab(
    const std::filesystem::path& path, std::string_view asset_id) {
  auto text = read_text_file(path);
  if (!text) return failure{text.error()};
  return parse_skab(text.value(), path.string(), asset_id);
}

}  // namespace ntscada
