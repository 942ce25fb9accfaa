#pragma once

#include <string>
#include <string_view>

#include "common/result.h"
#include "reading/reading.h"
#include "reading/reject_reason.h"

namespace ntscada {

// Parses an RFC 3339 date-time such as "2024-06-01T14:00:00.5+02:00".
// The date and time may be separated by 'T', 't' or a space. An offset is
// required: 'Z', 'z' or +HH:MM / -HH:MM. Fractions keep up to nanosecond
// precision; further digits are truncated. Rejects a missing offset with
// timestamp_no_offset, a malformed offset (such as +0200) with
// timestamp_bad_offset and anything else with timestamp_invalid. The result
// never depends on the host time zone.
result<epoch_ns, rejection> parse_rfc3339(std::string_view text);

// Converts an epoch number to nanoseconds, deciding the unit by magnitude:
// |n| < 1e11 is seconds, < 1e14 milliseconds, < 1e17 microseconds, else
// nanoseconds. The bands meet without gaps: the milliseconds band starts at
// 1973-03-03 and the nanoseconds band at 1973-03-03 too. Fractions are kept
// to the nanosecond. Rejects non-finite values and instants after
// 2262-04-11, which overflow int64 nanoseconds, with timestamp_invalid.
result<epoch_ns, rejection> epoch_number_to_ns(double number);
result<epoch_ns, rejection> epoch_integer_to_ns(std::int64_t number);

// Returns the system clock's current time.
epoch_ns wall_clock_now();

// Formats `t` as RFC 3339 in UTC: milliseconds when the instant is a whole
// millisecond ("2024-06-01T12:00:00.123Z"), else nanoseconds.
std::string format_rfc3339(epoch_ns t);

}  // namespace ntscada
