#include "monitoring/exposition.h"

#include <fmt/format.h>

#include <cmath>
#include <stdexcept>

#include "monitoring/histogram.h"

namespace ntscada {
namespace {

bool is_name_start(char c, bool allow_colon) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
         (allow_colon && c == ':');
}

bool is_name_char(char c, bool allow_colon) {
  return is_name_start(c, allow_colon) || (c >= '0' && c <= '9');
}

bool is_valid_name(std::string_view name, bool allow_colon) {
  if (name.empty() || !is_name_start(name.front(), allow_colon)) return false;
  for (char c : name) {
    if (!is_name_char(c, allow_colon)) return false;
  }
  return true;
}

std::string_view type_name(metric_type type) {
  switch (type) {
    case metric_type::counter:
      return "counter";
    case metric_type::gauge:
      return "gauge";
    case metric_type::histogram:
      return "histogram";
  }
  return "untyped";
}

}  // namespace

bool is_valid_metric_name(std::string_view name) {
  return is_valid_name(name, true);
}

bool is_valid_label_name(std::string_view name) {
  return is_valid_name(name, false) && !name.starts_with("__");
}

void append_escaped_label_value(std::string& out, std::string_view value) {
  for (char c : value) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '"':
        out += "\\\"";
        break;
      case '\n':
        out += "\\n";
        break;
      default:
        out.push_back(c);
    }
  }
}

void append_escaped_help(std::string& out, std::string_view text) {
  for (char c : text) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      default:
        out.push_back(c);
    }
  }
}

void append_sample_value(std::string& out, double value) {
  if (std::isnan(value)) {
    out += "NaN";
  } else if (std::isinf(value)) {
    out += value > 0 ? "+Inf" : "-Inf";
  } else {
    // fmt's shortest round-trip form, for example 0.25, 1e+20 or 3. Go's
    // ParseFloat, which Prometheus uses, reads all of them.
    fmt::format_to(std::back_inserter(out), "{}", value);
  }
}

exposition_writer::exposition_writer(std::string& out) : out_(out) {}

exposition_writer& exposition_writer::family(std::string_view name,
                                             metric_type type,
                                             std::string_view help) {
  if (!is_valid_metric_name(name)) {
    throw std::logic_error(fmt::format("invalid metric name '{}'", name));
  }
  if (type == metric_type::counter && !name.ends_with("_total")) {
    throw std::logic_error(
        fmt::format("counter '{}' must be named with the _total suffix", name));
  }
  if (!written_.emplace(name).second) {
    throw std::logic_error(fmt::format(
        "metric family '{}' was already written in this exposition", name));
  }
  family_ = name;
  type_ = type;
  out_ += "# HELP ";
  out_ += name;
  out_ += ' ';
  append_escaped_help(out_, help);
  out_ += "\n# TYPE ";
  out_ += name;
  out_ += ' ';
  out_ += type_name(type);
  out_ += '\n';
  return *this;
}

void exposition_writer::require_family(bool histogram_sample) const {
  if (family_.empty()) {
    throw std::logic_error("a sample was written before any family");
  }
  if (histogram_sample != (type_ == metric_type::histogram)) {
    throw std::logic_error(fmt::format(
        "sample kind does not match the type of family '{}'", family_));
  }
}

void exposition_writer::begin_sample(std::string_view suffix,
                                     std::initializer_list<label> labels,
                                     const label* extra) {
  out_ += family_;
  out_ += suffix;
  if (labels.size() == 0 && extra == nullptr) {
    out_ += ' ';
    return;
  }
  out_ += '{';
  bool first = true;
  auto append = [&](const label& item) {
    if (!is_valid_label_name(item.name)) {
      throw std::logic_error(
          fmt::format("invalid label name '{}' in '{}'", item.name, family_));
    }
    if (!first) out_ += ',';
    first = false;
    out_ += item.name;
    out_ += "=\"";
    append_escaped_label_value(out_, item.value);
    out_ += '"';
  };
  for (const label& item : labels) append(item);
  if (extra != nullptr) append(*extra);
  out_ += "} ";
}

exposition_writer& exposition_writer::sample(
    std::initializer_list<label> labels, double value) {
  require_family(false);
  begin_sample("", labels, nullptr);
  append_sample_value(out_, value);
  out_ += '\n';
  return *this;
}

exposition_writer& exposition_writer::sample(
    std::initializer_list<label> labels, std::uint64_t value) {
  require_family(false);
  begin_sample("", labels, nullptr);
  fmt::format_to(std::back_inserter(out_), "{}", value);
  out_ += '\n';
  return *this;
}

exposition_writer& exposition_writer::histogram(
    std::initializer_list<label> labels, const histogram_snapshot& snapshot) {
  require_family(true);
  for (const label& item : labels) {
    if (item.name == "le") {
      throw std::logic_error(fmt::format(
          "histogram '{}' must not carry its own 'le' label", family_));
    }
  }
  std::string bound;
  for (std::size_t i = 0; i < snapshot.upper_bounds.size(); ++i) {
    bound.clear();
    append_sample_value(bound, snapshot.upper_bounds[i]);
    label le{"le", bound};
    begin_sample("_bucket", labels, &le);
    fmt::format_to(std::back_inserter(out_), "{}\n",
                   snapshot.cumulative_counts[i]);
  }
  label infinity{"le", "+Inf"};
  begin_sample("_bucket", labels, &infinity);
  fmt::format_to(std::back_inserter(out_), "{}\n", snapshot.count);
  begin_sample("_sum", labels, nullptr);
  append_sample_value(out_, snapshot.sum);
  out_ += '\n';
  begin_sample("_count", labels, nullptr);
  fmt::format_to(std::back_inserter(out_), "{}\n", snapshot.count);
  return *this;
}

}  // namespace ntscada
