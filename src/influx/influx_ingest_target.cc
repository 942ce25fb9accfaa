#include "influx/influx_ingest_target.h"

#include <fmt/format.h>

namespace ntscada {
namespace {

std::string_view first_line(std::string_view lines) {
  return lines.substr(0, lines.find('\n'));
}

// Returns the position of the first space that is not escaped, where the
// fields of a line begin.
std::size_t field_section(std::string_view line) {
  for (std::size_t i = 0; i < line.size(); ++i) {
    if (line[i] == '\\') {
      ++i;
    } else if (line[i] == ' ') {
      return i;
    }
  }
  return std::string_view::npos;
}

// Returns the text between `open` and the next `close` after `from`.
std::string_view between(std::string_view text, std::string_view open,
                         std::string_view close, std::size_t from = 0) {
  std::size_t start = text.find(open, from);
  if (start == std::string_view::npos) return {};
  start += open.size();
  std::size_t end = text.find(close, start);
  if (end == std::string_view::npos) return {};
  return text.substr(start, end - start);
}

}  // namespace

offending_line find_offending_line(std::string_view lines,
                                   std::string_view message) {
  // InfluxDB 1.x and 2.x: unable to parse 'LINE': REASON
  std::string_view quoted = between(message, "unable to parse '", "': ");
  if (!quoted.empty()) {
    std::size_t at = lines.find(quoted);
    if (at != std::string_view::npos) {
      return {first_line(lines.substr(at)), true};
    }
    return {quoted, true};
  }

  // field type conflict: input field "F" on measurement "M" is type ...
  std::string_view field = between(message, "input field \"", "\"");
  std::string_view measurement = between(message, "on measurement \"", "\"");
  if (!field.empty() && !measurement.empty()) {
    std::string_view rest = lines;
    while (!rest.empty()) {
      std::string_view line = first_line(rest);
      rest.remove_prefix(std::min(rest.size(), line.size() + 1));
      std::size_t fields = field_section(line);
      if (fields == std::string_view::npos) continue;
      std::size_t name_end = line.find_first_of(", ");
      if (line.substr(0, name_end) != measurement) continue;
      std::string_view section = line.substr(fields);
      if (section.find(fmt::format(" {}=", field)) == 0 ||
          section.find(fmt::format(",{}=", field)) != std::string_view::npos) {
        return {line, true};
      }
    }
  }
  return {first_line(lines), false};
}

influx_ingest_target::influx_ingest_target(influx_history_store& store,
                                           influx_record_kind kind,
                                           reading_parser_options parser,
                                           std::size_t max_batch_bytes)
    : store_(store),
      kind_(kind),
      parser_(std::move(parser)),
      max_batch_bytes_(max_batch_bytes) {}

std::optional<ingest_rejection> influx_ingest_target::add(
    std::string_view message, epoch_ns now) {
  const influx_schema& schema = store_.options().schema;
  result<bool, line_protocol_error> added = true;
  if (kind_ == influx_record_kind::readings) {
    auto parsed = parser_.parse(message, now);
    if (!parsed) {
      return ingest_rejection{std::string(to_code(parsed.error().reason)),
                              std::move(parsed.error().detail)};
    }
    added = append_reading_point(lines_, schema.readings, parsed.value());
  } else {
    auto parsed = parse_processed_record(message);
    if (!parsed) {
      return ingest_rejection{"invalid_result_record",
                              std::move(parsed.error())};
    }
    added = append_result_point(lines_, schema.results, parsed.value());
  }
  if (!added) {
    return ingest_rejection{std::move(added.error().code),
                            std::move(added.error().detail)};
  }
  ++points_;
  return std::nullopt;
}

result<bool, ingest_write_error> influx_ingest_target::write() {
  auto written = store_.write_lines(lines_);
  if (written) {
    clear();
    return true;
  }
  const influx_error& error = written.error();
  ingest_write_error failed;
  failed.retry_after = error.retry_after;
  failed.message = error.describe();
  if (error.retryable()) {
    failed.next = ingest_write_error::action::retry;
  } else if (error.configuration_error()) {
    failed.next = ingest_write_error::action::stop;
  } else {
    failed.next = ingest_write_error::action::dead_letter;
    failed.code = "influxdb_rejected";
    offending_line line = find_offending_line(lines_, error.message);
    failed.message +=
        fmt::format("; {}: {}",
                    line.identified ? "first offending line"
                                    : "the server named no line; first line",
                    line.line);
  }
  return failure{std::move(failed)};
}

void influx_ingest_target::clear() {
  lines_.clear();
  points_ = 0;
}

std::string influx_ingest_target::describe() const {
  const influx_schema& schema = store_.options().schema;
  return fmt::format(
      "{} measurement={}", store_.client().config().describe(),
      kind_ == influx_record_kind::readings ? schema.readings : schema.results);
}

}  // namespace ntscada
