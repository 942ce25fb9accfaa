#pragma once

#include <cstdint>
#include <initializer_list>
#include <set>
#include <string>
#include <string_view>

namespace ntscada {

struct histogram_snapshot;

// The Content-Type of the Prometheus text exposition format 0.0.4.
inline constexpr std::string_view kExpositionContentType =
    "text/plain; version=0.0.4; charset=utf-8";

enum class metric_type { counter, gauge, histogram };

// One label of a sample. The name must match [a-zA-Z_][a-zA-Z0-9_]* and
// must not start with "__". The value may contain any UTF-8 text and is
// escaped on output.
struct label {
  std::string_view name;
  std::string_view value;
};

// Appends `value` with '\\', '"' and line feed escaped as \\, \" and \n,
// as the text format requires inside a quoted label value.
void append_escaped_label_value(std::string& out, std::string_view value);

// Appends `text` with '\\' and line feed escaped as \\ and \n, as the text
// format requires in a HELP line.
void append_escaped_help(std::string& out, std::string_view text);

// Appends a sample value as the text format spells it: the shortest decimal
// text that reads back to the same double, or NaN, +Inf and -Inf.
void append_sample_value(std::string& out, double value);

// Writes metric families in the Prometheus text exposition format 0.0.4:
// a HELP and a TYPE line per family, then its samples. Each family name may
// appear once per output, and a counter's name must end in "_total" (the
// 0.0.4 format keeps the suffix in the family name). Breaking either rule,
// or passing an invalid metric or label name, throws std::logic_error,
// because it is a programming error that would make Prometheus reject the
// whole scrape. Not thread-safe; use one writer per scrape.
class exposition_writer {
 public:
  explicit exposition_writer(std::string& out);

  // Starts a family. The samples written after it belong to it.
  exposition_writer& family(std::string_view name, metric_type type,
                            std::string_view help);

  // Writes one sample of the current counter or gauge family.
  exposition_writer& sample(std::initializer_list<label> labels, double value);
  // Writes an integer sample exactly, where a double would round values
  // above 2^53.
  exposition_writer& sample(std::initializer_list<label> labels,
                            std::uint64_t value);

  // Writes the _bucket, _sum and _count samples of the current histogram
  // family. `labels` must not contain "le".
  exposition_writer& histogram(std::initializer_list<label> labels,
                               const histogram_snapshot& snapshot);

 private:
  void begin_sample(std::string_view suffix,
                    std::initializer_list<label> labels, const label* extra);
  void require_family(bool histogram_sample) const;

  std::string& out_;
  std::string family_;
  metric_type type_ = metric_type::gauge;
  std::set<std::string, std::less<>> written_;
};

// Returns true for a valid metric name: [a-zA-Z_:][a-zA-Z0-9_:]*.
bool is_valid_metric_name(std::string_view name);
// Returns true for a valid label name: [a-zA-Z_][a-zA-Z0-9_]* without the
// reserved "__" prefix.
bool is_valid_label_name(std::string_view name);

}  // namespace ntscada
