#include "reading/timestamp.h"

#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <limits>

namespace ntscada {
namespace {

constexpr std::int64_t kNanosPerSecond = 1'000'000'000;

failure<rejection> invalid(std::string detail) {
  return failure{
      rejection{reject_reason::timestamp_invalid, std::move(detail)}};
}

// Reads exactly `count` decimal digits at `pos`, advancing it.
bool read_digits(std::string_view text, size_t& pos, size_t count, int& out) {
  if (pos + count > text.size()) return false;
  int value = 0;
  for (size_t i = 0; i < count; ++i) {
    char c = text[pos + i];
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
  }
  pos += count;
  out = value;
  return true;
}

bool expect(std::string_view text, size_t& pos, char c) {
  if (pos >= text.size() || text[pos] != c) return false;
  ++pos;
  return true;
}

// Parses the offset at `pos` to the end of `text`, in seconds east of UTC.
result<std::int64_t, rejection> parse_offset(std::string_view text,
                                             size_t pos) {
  std::string_view rest = text.substr(pos);
  if (rest.empty()) {
    return failure{rejection{reject_reason::timestamp_no_offset,
                             fmt::format("'{}' has no UTC offset", text)}};
  }
  if (rest == "Z" || rest == "z") return std::int64_t{0};
  auto bad_offset = [&] {
    return failure{rejection{
        reject_reason::timestamp_bad_offset,
        fmt::format("offset '{}' in '{}' is not Z or +HH:MM", rest, text)}};
  };
  if (rest[0] != '+' && rest[0] != '-') return bad_offset();
  int hours = 0;
  int minutes = 0;
  size_t p = 1;
  if (!read_digits(rest, p, 2, hours) || !expect(rest, p, ':') ||
      !read_digits(rest, p, 2, minutes) || p != rest.size() || hours > 23 ||
      minutes > 59) {
    return bad_offset();
  }
  std::int64_t seconds = hours * 3600 + minutes * 60;
  return rest[0] == '-' ? -seconds : seconds;
}

}  // namespace

result<epoch_ns, rejection> parse_rfc3339(std::string_view text) {
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  size_t pos = 0;
  if (!read_digits(text, pos, 4, year) || !expect(text, pos, '-') ||
      !read_digits(text, pos, 2, month) || !expect(text, pos, '-') ||
      !read_digits(text, pos, 2, day)) {
    return invalid(fmt::format("'{}' does not start with YYYY-MM-DD", text));
  }
  if (pos >= text.size() ||
      (text[pos] != 'T' && text[pos] != 't' && text[pos] != ' ')) {
    return invalid(fmt::format("'{}' has no time after the date", text));
  }
  ++pos;
  if (!read_digits(text, pos, 2, hour) || !expect(text, pos, ':') ||
      !read_digits(text, pos, 2, minute) || !expect(text, pos, ':') ||
      !read_digits(text, pos, 2, second)) {
    return invalid(fmt::format("'{}' has no valid hh:mm:ss time", text));
  }

  std::int64_t fraction_ns = 0;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    size_t digits = 0;
    std::int64_t scale = kNanosPerSecond / 10;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      fraction_ns += (text[pos] - '0') * scale;
      scale /= 10;
      ++pos;
      ++digits;
    }
    if (digits == 0) {
      return invalid(fmt::format("'{}' has an empty fraction", text));
    }
  }

  using namespace std::chrono;
  year_month_day date{std::chrono::year{year},
                      std::chrono::month{static_cast<unsigned>(month)},
                      std::chrono::day{static_cast<unsigned>(day)}};
  // Second 60 (a leap second) is rejected because epoch time cannot hold it.
  if (!date.ok() || hour > 23 || minute > 59 || second > 59) {
    return invalid(fmt::format("'{}' is not a valid calendar time", text));
  }

  auto offset = parse_offset(text, pos);
  if (!offset) return failure{offset.error()};

  std::int64_t days = sys_days{date}.time_since_epoch().count();
  std::int64_t seconds =
      days * 86400 + hour * 3600 + minute * 60 + second - offset.value();
  // Years 0000-9999 always fit in int64 nanoseconds except before 1677 and
  // after 2262, which the caller's plausibility check rejects anyway.
  std::int64_t ns = 0;
  if (__builtin_mul_overflow(seconds, kNanosPerSecond, &ns) ||
      __builtin_add_overflow(ns, fraction_ns, &ns)) {
    return invalid(
        fmt::format("'{}' is outside the representable range "
                    "1677-09-21 to 2262-04-11",
                    text));
  }
  return ns;
}

result<epoch_ns, rejection> epoch_integer_to_ns(std::int64_t number) {
  std::int64_t magnitude = number < 0 ? -(number + 1) : number;
  std::int64_t scale = 1;
  if (magnitude < 100'000'000'000LL) {
    scale = kNanosPerSecond;
  } else if (magnitude < 100'000'000'000'000LL) {
    scale = 1'000'000;
  } else if (magnitude < 100'000'000'000'000'000LL) {
    scale = 1'000;
  }
  std::int64_t ns = 0;
  if (__builtin_mul_overflow(number, scale, &ns)) {
    return invalid(fmt::format("epoch time {} overflows nanoseconds", number));
  }
  return ns;
}

result<epoch_ns, rejection> epoch_number_to_ns(double number) {
  if (!std::isfinite(number)) {
    return invalid("epoch time is not a finite number");
  }
  double whole = std::trunc(number);
  if (whole == number && std::fabs(number) < 9.0e15) {
    return epoch_integer_to_ns(static_cast<std::int64_t>(number));
  }
  double magnitude = std::fabs(number);
  double scale = 1.0;
  if (magnitude < 1e11) {
    scale = 1e9;
  } else if (magnitude < 1e14) {
    scale = 1e6;
  } else if (magnitude < 1e17) {
    scale = 1e3;
  }
  // Scale the whole and fractional parts apart, in integers where possible,
  // because a 19-digit nanosecond count does not fit in a double's 53-bit
  // mantissa.
  if (!(whole >= -9.2e18 && whole <= 9.2e18)) {
    return invalid(fmt::format("epoch time {} overflows nanoseconds", number));
  }
  std::int64_t whole_ns = 0;
  auto fraction_ns =
      static_cast<std::int64_t>(std::round((number - whole) * scale));
  std::int64_t ns = 0;
  if (__builtin_mul_overflow(static_cast<std::int64_t>(whole),
                             static_cast<std::int64_t>(scale), &whole_ns) ||
      __builtin_add_overflow(whole_ns, fraction_ns, &ns)) {
    return invalid(fmt::format("epoch time {} overflows nanoseconds", number));
  }
  return ns;
}

epoch_ns wall_clock_now() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string format_rfc3339(epoch_ns t) {
  using namespace std::chrono;
  std::int64_t seconds = t / kNanosPerSecond;
  std::int64_t fraction = t % kNanosPerSecond;
  if (fraction < 0) {
    fraction += kNanosPerSecond;
    seconds -= 1;
  }
  sys_days day{
      days{seconds >= 0 ? seconds / 86400 : -((-seconds + 86399) / 86400)}};
  std::int64_t second_of_day = seconds - day.time_since_epoch().count() * 86400;
  year_month_day date{day};
  auto hh = second_of_day / 3600;
  auto mm = second_of_day / 60 % 60;
  auto ss = second_of_day % 60;
  std::string out = fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
                                static_cast<int>(date.year()),
                                static_cast<unsigned>(date.month()),
                                static_cast<unsigned>(date.day()), hh, mm, ss);
  if (fraction % 1'000'000 == 0) {
    fmt::format_to(std::back_inserter(out), ".{:03}Z", fraction / 1'000'000);
  } else {
    fmt::format_to(std::back_inserter(out), ".{:09}Z", fraction);
  }
  return out;
}

}  // namespace ntscada
