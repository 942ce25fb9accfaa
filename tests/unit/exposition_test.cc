#include "monitoring/exposition.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <stdexcept>

#include "monitoring/histogram.h"

namespace ntscada {
namespace {

TEST(ExpositionTest, LabelValuesEscapeQuoteBackslashNewline) {
  // A quote, a trailing backslash and a line feed: unescaped, each would
  // end the value early or split the sample line.
  std::string out;
  exposition_writer(out)
      .family("t_info", metric_type::gauge, "Test.")
      .sample({{"a", "pres\"sure\\"}, {"b", "temp\nerature"}}, 1.0);
  EXPECT_EQ(out,
            "# HELP t_info Test.\n"
            "# TYPE t_info gauge\n"
            "t_info{a=\"pres\\\"sure\\\\\",b=\"temp\\nerature\"} 1\n");
}

TEST(ExpositionTest, HelpEscapesBackslashAndNewlineOnly) {
  std::string out;
  exposition_writer(out).family("t", metric_type::gauge,
                                "a \"quoted\" C:\\path\nnext");
  EXPECT_EQ(out,
            "# HELP t a \"quoted\" C:\\\\path\\nnext\n"
            "# TYPE t gauge\n");
}

TEST(ExpositionTest, LabelValuesKeepUtf8) {
  std::string out;
  exposition_writer(out)
      .family("t", metric_type::gauge, "Test.")
      .sample({{"unit",
                "\xC2\xB0"
                "C"}},
              2.5);
  EXPECT_NE(out.find("t{unit=\"\xC2\xB0"
                     "C\"} 2.5\n"),
            std::string::npos);
}

TEST(ExpositionTest, SpecialValuesUseGoSpelling) {
  std::string out;
  append_sample_value(out, std::numeric_limits<double>::quiet_NaN());
  out += ' ';
  append_sample_value(out, std::numeric_limits<double>::infinity());
  out += ' ';
  append_sample_value(out, -std::numeric_limits<double>::infinity());
  out += ' ';
  append_sample_value(out, 1e20);
  out += ' ';
  append_sample_value(out, 0.1);
  EXPECT_EQ(out, "NaN +Inf -Inf 1e+20 0.1");
}

TEST(ExpositionTest, IntegerSamplesAreExact) {
  std::string out;
  exposition_writer(out)
      .family("t_total", metric_type::counter, "Test.")
      .sample({}, std::uint64_t{18'446'744'073'709'551'615u});
  EXPECT_NE(out.find("t_total 18446744073709551615\n"), std::string::npos);
}

TEST(ExpositionTest, CounterWithoutTotalSuffixThrows) {
  std::string out;
  exposition_writer writer(out);
  EXPECT_THROW(writer.family("requests", metric_type::counter, "Test."),
               std::logic_error);
}

TEST(ExpositionTest, RepeatedFamilyThrows) {
  std::string out;
  exposition_writer writer(out);
  writer.family("t_total", metric_type::counter, "Test.");
  EXPECT_THROW(writer.family("t_total", metric_type::counter, "Again."),
               std::logic_error);
}

TEST(ExpositionTest, InvalidNamesThrow) {
  std::string out;
  exposition_writer writer(out);
  EXPECT_THROW(writer.family("1bad", metric_type::gauge, "Test."),
               std::logic_error);
  EXPECT_THROW(writer.family("bad-name", metric_type::gauge, "Test."),
               std::logic_error);
  writer.family("good", metric_type::gauge, "Test.");
  EXPECT_THROW(writer.sample({{"bad-label", "x"}}, 1.0), std::logic_error);
  EXPECT_THROW(writer.sample({{"__reserved", "x"}}, 1.0), std::logic_error);
}

TEST(ExpositionTest, SampleBeforeFamilyThrows) {
  std::string out;
  exposition_writer writer(out);
  EXPECT_THROW(writer.sample({}, 1.0), std::logic_error);
}

TEST(ExpositionTest, NameRules) {
  EXPECT_TRUE(is_valid_metric_name("ntscada:rate_5m"));
  EXPECT_FALSE(is_valid_metric_name(""));
  EXPECT_FALSE(is_valid_metric_name("a.b"));
  EXPECT_TRUE(is_valid_label_name("_x1"));
  EXPECT_FALSE(is_valid_label_name("a:b"));
  EXPECT_FALSE(is_valid_label_name("__name__"));
}

TEST(ExpositionTest, HistogramWritesCumulativeBuckets) {
  const double bounds[] = {0.25, 1.0};
  histogram h(bounds);
  h.observe(0.125);
  h.observe(0.25);  // on the bound: counted in the 0.25 bucket
  h.observe(0.5);
  h.observe(7.0);
  std::string out;
  exposition_writer(out)
      .family("t_seconds", metric_type::histogram, "Test.")
      .histogram({{"stage", "a"}}, h.snapshot());
  EXPECT_EQ(out,
            "# HELP t_seconds Test.\n"
            "# TYPE t_seconds histogram\n"
            "t_seconds_bucket{stage=\"a\",le=\"0.25\"} 2\n"
            "t_seconds_bucket{stage=\"a\",le=\"1\"} 3\n"
            "t_seconds_bucket{stage=\"a\",le=\"+Inf\"} 4\n"
            "t_seconds_sum{stage=\"a\"} 7.875\n"
            "t_seconds_count{stage=\"a\"} 4\n");
}

TEST(ExpositionTest, HistogramRejectsOwnLeLabel) {
  const double bounds[] = {1.0};
  histogram h(bounds);
  std::string out;
  exposition_writer writer(out);
  writer.family("t_seconds", metric_type::histogram, "Test.");
  EXPECT_THROW(writer.histogram({{"le", "1"}}, h.snapshot()), std::logic_error);
}

TEST(ExpositionTest, SampleKindMustMatchFamily) {
  const double bounds[] = {1.0};
  histogram h(bounds);
  std::string out;
  exposition_writer writer(out);
  writer.family("t_seconds", metric_type::histogram, "Test.");
  EXPECT_THROW(writer.sample({}, 1.0), std::logic_error);
  writer.family("g", metric_type::gauge, "Test.");
  EXPECT_THROW(writer.histogram({}, h.snapshot()), std::logic_error);
}

}  // namespace
}  // namespace ntscada
