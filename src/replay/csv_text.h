#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "reading/reading.h"

namespace ntscada {

// Reads a whole file into memory. The error names the path and whether the
// file is missing or unreadable.
result<std::string, std::string> read_text_file(
    const std::filesystem::path& path);

// Splits text into lines at LF, dropping one CR before each LF so that CRLF
// and LF files read alike. A UTF-8 byte order mark at the start is skipped.
// A final line break does not start an extra empty line.
class line_splitter {
 public:
  explicit line_splitter(std::string_view text);

  // Stores the next line in `line` and returns true, or returns false at
  // the end of the text.
  bool next(std::string_view& line);

  // 1-based number of the line that `next` returned last.
  std::size_t line_number() const { return line_number_; }

 private:
  std::string_view rest_;
  std::size_t line_number_ = 0;
};

// Splits `line` at every `separator`, so n separators give n + 1 fields.
std::vector<std::string_view> split_fields(std::string_view line,
                                           char separator);

// Parses a whole field as a finite decimal number ("32.0", "-1.257",
// "1e-3"). Returns an error text without position for the caller to
// complete, for example "'abc' is not a number".
result<double, std::string> parse_finite_number(std::string_view field);

// Parses "YYYY-MM-DD hh:mm:ss" with an optional fraction and no UTC offset,
// interpreting it as UTC. SKAB and NAB write timestamps without a zone, and
// UTC is the only reading of them that does not depend on the host.
result<epoch_ns, std::string> parse_utc_datetime(std::string_view text);

}  // namespace ntscada
