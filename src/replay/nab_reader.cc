#include "replay/nab_reader.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <simdjson.h>

#include <algorithm>

#include "reading/units.h"
#include "replay/csv_text.h"

namespace ntscada {
namespace {

constexpr std::string_view kHeader = "timestamp,value";
constexpr std::string_view kSensorType = "temperature";

std::string_view last_path_part(std::string_view key) {
  std::size_t slash = key.rfind('/');
  return slash == std::string_view::npos ? key : key.substr(slash + 1);
}

// An entry of the windows document and the key it was found under.
struct windows_entry {
  std::string_view key;
  simdjson::dom::element value;
};

// Finds the entry for the data file, by exact key or by file name.
result<windows_entry, std::string> find_entry(simdjson::dom::object root,
                                              std::string_view source,
                                              std::string_view data_file_name,
                                              std::string_view key) {
  if (!key.empty()) {
    simdjson::dom::element value;
    if (root.at_key(key).get(value) != simdjson::SUCCESS) {
      return failure{fmt::format("{}: no entry with key '{}'", source, key)};
    }
    return windows_entry{key, value};
  }
  std::vector<std::string_view> matches;
  windows_entry found;
  for (auto field : root) {
    if (last_path_part(field.key) == data_file_name) {
      matches.push_back(field.key);
      found = {field.key, field.value};
    }
  }
  if (matches.empty()) {
    return failure{
        fmt::format("{}: no key ends in '{}'; pass the key of the "
                    "data file's entry",
                    source, data_file_name)};
  }
  if (matches.size() > 1) {
    return failure{
        fmt::format("{}: keys {} all end in '{}'; pass the key of "
                    "the data file's entry",
                    source, matches, data_file_name)};
  }
  return found;
}

result<time_window, std::string> read_window(simdjson::dom::element element,
                                             std::string_view source,
                                             std::string_view key,
                                             std::size_t index) {
  auto invalid = [&](std::string_view why) {
    return failure{fmt::format("{}: window {} of '{}' = {} is invalid: {}",
                               source, index, key, simdjson::minify(element),
                               why)};
  };
  simdjson::dom::array pair;
  if (element.get_array().get(pair) != simdjson::SUCCESS || pair.size() != 2) {
    return invalid("expected [\"start\", \"end\"]");
  }
  std::array<epoch_ns, 2> ends{};
  for (std::size_t i = 0; i < 2; ++i) {
    std::string_view text;
    if (pair.at(i).get_string().get(text) != simdjson::SUCCESS) {
      return invalid("expected [\"start\", \"end\"]");
    }
    auto time = parse_utc_datetime(text);
    if (!time) return invalid(time.error());
    ends[i] = time.value();
  }
  if (ends[0] > ends[1]) return invalid("the start is after the end");
  return time_window{ends[0], ends[1]};
}

bool in_any_window(std::span<const time_window> windows, epoch_ns time) {
  return std::any_of(windows.begin(), windows.end(), [&](const auto& w) {
    return w.start <= time && time <= w.end;
  });
}

}  // namespace

result<std::vector<time_window>, std::string> parse_nab_windows(
    std::string_view json, std::string_view source,
    std::string_view data_file_name, std::string_view key) {
  simdjson::dom::parser parser;
  simdjson::padded_string padded(json);
  simdjson::dom::element document;
  if (auto error = parser.parse(padded).get(document)) {
    return failure{fmt::format("{}: invalid JSON: {}", source,
                               simdjson::error_message(error))};
  }
  simdjson::dom::object root;
  if (document.get_object().get(root) != simdjson::SUCCESS) {
    return failure{
        fmt::format("{}: expected a JSON object that maps data "
                    "files to windows",
                    source)};
  }
  auto entry = find_entry(root, source, data_file_name, key);
  if (!entry) return failure{entry.error()};
  std::string_view entry_key = entry->key;

  simdjson::dom::array list;
  if (entry->value.get_array().get(list) != simdjson::SUCCESS) {
    return failure{
        fmt::format("{}: the entry for '{}' is not an array of "
                    "windows",
                    source, entry_key)};
  }
  std::vector<time_window> windows;
  std::size_t index = 0;
  for (simdjson::dom::element element : list) {
    auto window = read_window(element, source, entry_key, index++);
    if (!window) return failure{window.error()};
    windows.push_back(window.value());
  }
  return windows;
}

result<std::vector<time_window>, std::string> read_nab_windows(
    const std::filesystem::path& path, std::string_view data_file_name,
    std::string_view key) {
  auto text = read_text_file(path);
  if (!text) return failure{text.error()};
  return parse_nab_windows(text.value(), path.string(), data_file_name, key);
}

bool is_nab_header(std::string_view header_line) {
  return header_line == kHeader;
}

result<std::vector<labelled_reading>, std::string> parse_nab(
    std::string_view text, std::string_view source, std::string_view asset_id,
    const nab_options& options,
    std::optional<std::span<const time_window>> windows) {
  if (asset_id.empty()) {
    return failure{
        fmt::format("{}: the asset id is empty; pass the asset "
                    "that the file was recorded on",
                    source)};
  }
  if (options.unit.empty()) {
    return failure{
        fmt::format("{}: no unit given; NAB states none, so pass "
                    "the unit of the values (for example C or F)",
                    source)};
  }
  auto unit_check = to_canonical_unit(kSensorType, options.unit, 0.0);
  if (!unit_check) {
    return failure{fmt::format("{}: unit '{}' is invalid for {}: {}", source,
                               options.unit, kSensorType,
                               unit_check.error().detail)};
  }
  std::string sensor_id = options.sensor_id.empty()
                              ? fmt::format("{}/value", asset_id)
                              : options.sensor_id;

  line_splitter lines(text);
  std::string_view line;
  if (!lines.next(line) || !is_nab_header(line)) {
    return failure{
        fmt::format("{}:1: invalid NAB header '{}'; expected "
                    "'{}'",
                    source, line, kHeader)};
  }

  std::vector<labelled_reading> out;
  std::size_t row = 0;
  while (lines.next(line)) {
    std::size_t line_number = lines.line_number();
    std::vector<std::string_view> fields = split_fields(line, ',');
    if (fields.size() != 2) {
      return failure{
          fmt::format("{}:{}: expected 2 fields separated by ',', "
                      "found {}",
                      source, line_number, fields.size())};
    }
    auto timestamp = parse_utc_datetime(fields[0]);
    if (!timestamp) {
      return failure{fmt::format("{}:{}: column 'timestamp': {}", source,
                                 line_number, timestamp.error())};
    }
    auto value = parse_finite_number(fields[1]);
    if (!value) {
      return failure{fmt::format("{}:{}: column 'value': {}", source,
                                 line_number, value.error())};
    }
    auto canonical =
        to_canonical_unit(kSensorType, options.unit, value.value());
    if (!canonical) {
      return failure{fmt::format("{}:{}: column 'value': {}", source,
                                 line_number, canonical.error().detail)};
    }

    labelled_reading& item = out.emplace_back();
    item.row = row++;
    item.r.sensor_id = sensor_id;
    item.r.sensor_type = kSensorType;
    item.r.value = canonical->value;
    item.r.unit = canonical->unit;
    item.r.timestamp = timestamp.value();
    item.r.asset_id = std::string(asset_id);
    if (canonical->converted) {
      item.r.original_value = value.value();
      item.r.original_unit = options.unit;
    }
    if (windows) {
      item.r.labels.anomaly = in_any_window(*windows, timestamp.value());
    }
  }
  return out;
}

result<std::vector<labelled_reading>, std::string> read_nab(
    const std::filesystem::path& path, std::string_view asset_id,
    const nab_options& options) {
  std::optional<std::vector<time_window>> windows;
  if (options.windows_path) {
    auto loaded = read_nab_windows(
        *options.windows_path, path.filename().string(), options.windows_key);
    if (!loaded) return failure{loaded.error()};
    windows = std::move(loaded.value());
  }
  auto text = read_text_file(path);
  if (!text) return failure{text.error()};
  std::optional<std::span<const time_window>> window_span;
  if (windows) window_span = std::span<const time_window>(*windows);
  return parse_nab(text.value(), path.string(), asset_id, options, window_span);
}

}  // namespace ntscada
