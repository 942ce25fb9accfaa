#include "reading/timestamp.h"

#include <gtest/gtest.h>

namespace ntscada {
namespace {

constexpr epoch_ns kBaseTime = 1'717'243'200'000'000'000;

TEST(TimestampTest, FormatsWholeMilliseconds) {
  EXPECT_EQ(format_rfc3339(kBaseTime + 123'000'000),
            "2024-06-01T12:00:00.123Z");
  EXPECT_EQ(format_rfc3339(0), "1970-01-01T00:00:00.000Z");
}

TEST(TimestampTest, FormatsNanoseconds) {
  EXPECT_EQ(format_rfc3339(kBaseTime + 123'456'789),
            "2024-06-01T12:00:00.123456789Z");
}

TEST(TimestampTest, FormatsBeforeEpoch) {
  EXPECT_EQ(format_rfc3339(-1'000'000), "1969-12-31T23:59:59.999Z");
}

TEST(TimestampTest, ParseFormatRoundTrip) {
  for (epoch_ns t : {kBaseTime, kBaseTime + 1, kBaseTime + 999'999'999,
                     epoch_ns{951'782'400'000'000'000}}) {
    auto parsed = parse_rfc3339(format_rfc3339(t));
    ASSERT_TRUE(parsed) << t;
    EXPECT_EQ(parsed.value(), t);
  }
}

TEST(TimestampTest, LeapDayAccepted) {
  auto parsed = parse_rfc3339("2024-02-29T00:00:00Z");
  ASSERT_TRUE(parsed);
  EXPECT_EQ(format_rfc3339(parsed.value()), "2024-02-29T00:00:00.000Z");
}

TEST(TimestampTest, InvalidCalendarRejected) {
  for (const char* text :
       {"2023-02-29T00:00:00Z", "2024-13-01T00:00:00Z", "2024-06-01T24:00:00Z",
        "2024-06-01T12:60:00Z", "2024-06-01T12:00:60Z", "2024-06-01",
        "2024-06-01T12:00Z", "2024-06-01T12:00:00.Z", "24-06-01T12:00:00Z",
        "2024-06-01X12:00:00Z"}) {
    auto parsed = parse_rfc3339(text);
    ASSERT_FALSE(parsed) << text;
    EXPECT_EQ(parsed.error().reason, reject_reason::timestamp_invalid) << text;
  }
}

TEST(TimestampTest, BadOffsetsRejected) {
  for (const char* text :
       {"2024-06-01T12:00:00+0200", "2024-06-01T12:00:00+2",
        "2024-06-01T12:00:00+24:00", "2024-06-01T12:00:00+02:60",
        "2024-06-01T12:00:00 UTC", "2024-06-01T12:00:00Z junk"}) {
    auto parsed = parse_rfc3339(text);
    ASSERT_FALSE(parsed) << text;
    EXPECT_EQ(parsed.error().reason, reject_reason::timestamp_bad_offset)
        << text;
  }
}

TEST(TimestampTest, FractionBeyondNanosecondsTruncated) {
  auto parsed = parse_rfc3339("2024-06-01T12:00:00.1234567891234Z");
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed.value(), kBaseTime + 123'456'789);
}

TEST(TimestampTest, EpochBandsMeetWithoutGaps) {
  // Just below and at each band edge. Seconds past 2262-04-11 overflow
  // int64 nanoseconds and are rejected rather than wrapped.
  EXPECT_FALSE(epoch_integer_to_ns(99'999'999'999));
  EXPECT_EQ(epoch_integer_to_ns(9'000'000'000).value(),
            9'000'000'000'000'000'000);
  EXPECT_EQ(epoch_integer_to_ns(100'000'000'000).value(),
            100'000'000'000'000'000);
  EXPECT_FALSE(epoch_integer_to_ns(99'999'999'999'999));
  EXPECT_EQ(epoch_integer_to_ns(100'000'000'000'000).value(),
            100'000'000'000'000'000);
  EXPECT_FALSE(epoch_integer_to_ns(99'999'999'999'999'999));
  EXPECT_EQ(epoch_integer_to_ns(100'000'000'000'000'000).value(),
            100'000'000'000'000'000);
}

TEST(TimestampTest, EpochSecondsInAllUnitsAgree) {
  epoch_ns expected = 1'717'243'200'000'000'000;
  EXPECT_EQ(epoch_integer_to_ns(1'717'243'200).value(), expected);
  EXPECT_EQ(epoch_integer_to_ns(1'717'243'200'000).value(), expected);
  EXPECT_EQ(epoch_integer_to_ns(1'717'243'200'000'000).value(), expected);
  EXPECT_EQ(epoch_integer_to_ns(1'717'243'200'000'000'000).value(), expected);
}

TEST(TimestampTest, FractionalEpochSeconds) {
  EXPECT_EQ(epoch_number_to_ns(1717243200.25).value(),
            1'717'243'200'250'000'000);
}

TEST(TimestampTest, NonFiniteEpochRejected) {
  EXPECT_FALSE(epoch_number_to_ns(std::numeric_limits<double>::infinity()));
  EXPECT_FALSE(epoch_number_to_ns(1e30));
}

}  // namespace
}  // namespace ntscada
