#include "rules/envelope_table.h"

#include <gtest/gtest.h>

#include "rules/rule_scorer.h"

namespace ntscada {
namespace {

constexpr std::string_view kRules = R"(
name = "plant"
[default]
limits = [0, 1, 2, 8, 9, 10]

[sensor_type.temperature]
limits = [-10, 0, 20, 60, 80, 100]
anomaly_band = "lolo_hihi"

[sensor_id."pump-07/temp"]
limits = [100, 110, 120, 130, 140, 150]
)";

TEST(EnvelopeTableTest, BuiltInDefault) {
  envelope_table table;
  const envelope_rule& rule = table.find("any", "temperature");
  EXPECT_EQ(rule.limits.lo, 20);
  EXPECT_EQ(rule.limits.hi, 80);
  EXPECT_EQ(rule.band, anomaly_band::lo_hi);
  EXPECT_EQ(table.name(), "default");
}

TEST(EnvelopeTableTest, LookupPrecedence) {
  auto table = envelope_table::parse(kRules, "rules.toml");
  ASSERT_TRUE(table) << table.error();
  EXPECT_EQ(table->find("pump-07/temp", "temperature").limits.lolo, 100);
  EXPECT_EQ(table->find("pump-07/temp", "temperature").band,
            anomaly_band::lo_hi);
  EXPECT_EQ(table->find("pump-08/temp", "temperature").limits.lolo, -10);
  EXPECT_EQ(table->find("pump-08/temp", "temperature").band,
            anomaly_band::lolo_hihi);
  EXPECT_EQ(table->find("pump-08/flow", "flow_rate").limits.hihi, 10);
  EXPECT_EQ(table->sensor_rule_count(), 1u);
  EXPECT_EQ(table->type_rule_count(), 1u);
}

TEST(EnvelopeTableTest, NameCarriesContentHash) {
  auto first = envelope_table::parse(kRules, "a.toml");
  auto second = envelope_table::parse(std::string(kRules) + "\n", "a.toml");
  ASSERT_TRUE(first);
  ASSERT_TRUE(second);
  EXPECT_TRUE(first->name().starts_with("plant#"));
  EXPECT_EQ(first->name().size(), std::string("plant#").size() + 8);
  EXPECT_NE(first->name(), second->name());
}

TEST(EnvelopeTableTest, ErrorsNameKeyValueAndRule) {
  auto unordered = envelope_table::parse(
      "[sensor_type.pressure]\nlimits = [1, 2, 3, 4, 6, 5]\n", "p.toml");
  ASSERT_FALSE(unordered);
  EXPECT_EQ(unordered.error(),
            "p.toml: sensor_type.\"pressure\".limits = [ 1, 2, 3, 4, 6, 5 ] "
            "is invalid because Hi (6) is not below HiHi (5); expected six "
            "finite numbers LoLo < Lo < optimal-low < optimal-high < Hi < "
            "HiHi");

  auto short_list =
      envelope_table::parse("[default]\nlimits = [1, 2]\n", "d.toml");
  ASSERT_FALSE(short_list);
  EXPECT_NE(short_list.error().find("default.limits = [ 1, 2 ] is invalid"),
            std::string::npos)
      << short_list.error();

  auto band =
      envelope_table::parse("[default]\nanomaly_band = \"wide\"\n", "b.toml");
  ASSERT_FALSE(band);
  EXPECT_NE(band.error().find("default.anomaly_band = 'wide' is invalid"),
            std::string::npos)
      << band.error();
  EXPECT_NE(band.error().find("\"lo_hi\""), std::string::npos);

  auto unknown = envelope_table::parse("[default]\nlimit = 3\n", "u.toml");
  ASSERT_FALSE(unknown);
  EXPECT_NE(unknown.error().find("unknown key default.limit"),
            std::string::npos)
      << unknown.error();

  auto syntax = envelope_table::parse("[default\n", "s.toml");
  ASSERT_FALSE(syntax);
  EXPECT_TRUE(syntax.error().starts_with("s.toml:1:")) << syntax.error();
}

TEST(EnvelopeTableTest, MissingFileNamed) {
  auto missing = envelope_table::load("/nonexistent/rules.toml");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error(),
            "cannot open envelope file /nonexistent/rules.toml: No such file "
            "or directory");
  auto folder = envelope_table::load("/tmp");
  ASSERT_FALSE(folder);
  EXPECT_EQ(folder.error(),
            "cannot open envelope file /tmp: not a regular file");
}

TEST(RuleScorerTest, ScoresWithTableAndNamesDetector) {
  auto table = envelope_table::parse(kRules, "rules.toml");
  ASSERT_TRUE(table);
  rule_scorer scorer(std::move(table.value()));
  reading hot{
      .sensor_id = "pump-08/temp", .sensor_type = "temperature", .value = 90};
  score s = scorer.score_one(hot);
  EXPECT_FALSE(s.anomaly);  // lolo_hihi band for temperature
  EXPECT_EQ(s.state, operational_state::high);
  EXPECT_EQ(s.level, severity::medium);
  EXPECT_EQ(s.kind, category::thermal_pressure);
  EXPECT_TRUE(scorer.detector().starts_with("rules:plant#"));
}

}  // namespace
}  // namespace ntscada
