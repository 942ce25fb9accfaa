#include "replay/csv_text.h"

#include <fmt/format.h>

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <fstream>
#include <sstream>
#include <system_error>

#include "reading/timestamp.h"

namespace ntscada {

result<std::string, std::string> read_text_file(
    const std::filesystem::path& path) {
  std::error_code error;
  bool exists = std::filesystem::exists(path, error);
  if (error) {
    return failure{fmt::format("{}: cannot access file: {}", path.string(),
                               error.message())};
  }
  if (!exists) {
    return failure{fmt::format("{}: file not found", path.string())};
  }
  if (!std::filesystem::is_regular_file(path, error)) {
    return failure{fmt::format("{}: not a regular file", path.string())};
  }
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    return failure{fmt::format("{}: cannot open file: {}", path.string(),
                               std::strerror(errno))};
  }
  std::ostringstream contents;
  contents << file.rdbuf();
  if (file.bad()) {
    return failure{fmt::format("{}: read failed", path.string())};
  }
  return std::move(contents).str();
}

line_splitter::line_splitter(std::string_view text) : rest_(text) {
  constexpr std::string_view kByteOrderMark = "\xEF\xBB\xBF";
  if (rest_.starts_with(kByteOrderMark)) {
    rest_.remove_prefix(kByteOrderMark.size());
  }
}

bool line_splitter::next(std::string_view& line) {
  if (rest_.empty()) return false;
  std::size_t end = rest_.find('\n');
  if (end == std::string_view::npos) {
    line = rest_;
    rest_ = {};
  } else {
    line = rest_.substr(0, end);
    rest_.remove_prefix(end + 1);
    if (line.ends_with('\r')) line.remove_suffix(1);
  }
  ++line_number_;
  return true;
}

std::vector<std::string_view> split_fields(std::string_view line,
                                           char separator) {
  std::vector<std::string_view> fields;
  std::size_t start = 0;
  while (true) {
    std::size_t end = line.find(separator, start);
    if (end == std::string_view::npos) {
      fields.push_back(line.substr(start));
      return fields;
    }
    fields.push_back(line.substr(start, end - start));
    start = end + 1;
  }
}

result<double, std::string> parse_finite_number(std::string_view field) {
  double value = 0;
  const char* end = field.data() + field.size();
  auto [stop, error] = std::from_chars(field.data(), end, value);
  if (field.empty() || error != std::errc() || stop != end) {
    return failure{fmt::format("'{}' is not a number", field)};
  }
  // from_chars also accepts "nan" and "inf", which no reading may carry.
  if (!std::isfinite(value)) {
    return failure{fmt::format("'{}' is not a finite number", field)};
  }
  return value;
}

result<epoch_ns, std::string> parse_utc_datetime(std::string_view text) {
  // Only a fraction may follow the seconds, so that a zone suffix (which
  // would contradict the UTC reading) is rejected instead of applied.
  constexpr std::size_t kSecondsEnd = 19;  // "YYYY-MM-DD hh:mm:ss"
  bool well_formed = text.size() >= kSecondsEnd && text[10] == ' ';
  if (well_formed && text.size() > kSecondsEnd) {
    well_formed = text[kSecondsEnd] == '.' && text.size() > kSecondsEnd + 1 &&
                  text.find_first_not_of("0123456789", kSecondsEnd + 1) ==
                      std::string_view::npos;
  }
  if (well_formed) {
    auto parsed = parse_rfc3339(fmt::format("{}Z", text));
    if (parsed) return parsed.value();
  }
  return failure{fmt::format(
      "'{}' is not a valid date-time of the form YYYY-MM-DD hh:mm:ss", text)};
}

}  // namespace ntscada
