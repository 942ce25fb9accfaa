#include "rules/envelope.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace ntscada {
namespace {

const envelope kDefault{};

TEST(EnvelopeTest, DefaultLimits) {
  EXPECT_EQ(kDefault.lolo, 10);
  EXPECT_EQ(kDefault.lo, 20);
  EXPECT_EQ(kDefault.optimal_low, 30);
  EXPECT_EQ(kDefault.optimal_high, 70);
  EXPECT_EQ(kDefault.hi, 80);
  EXPECT_EQ(kDefault.hihi, 90);
  EXPECT_EQ(kDefault.validate(), "");
}

struct state_case {
  double value;
  operational_state state;
};

class EnvelopeBoundaryTest : public ::testing::TestWithParam<state_case> {};

TEST_P(EnvelopeBoundaryTest, StateAtValue) {
  EXPECT_EQ(to_string(classify(kDefault, GetParam().value)),
            to_string(GetParam().state))
      << GetParam().value;
}

// Each limit, and the nearest doubles on either side of it.
INSTANTIATE_TEST_SUITE_P(
    EveryLimit, EnvelopeBoundaryTest,
    ::testing::Values(
        state_case{-1e300, operational_state::critically_low},
        state_case{std::nextafter(10.0, 0.0),
                   operational_state::critically_low},
        state_case{10, operational_state::low},
        state_case{std::nextafter(10.0, 99.0), operational_state::low},
        state_case{std::nextafter(20.0, 0.0), operational_state::low},
        state_case{20, operational_state::below_optimal},
        state_case{std::nextafter(30.0, 0.0), operational_state::below_optimal},
        state_case{30, operational_state::optimal},
        state_case{50, operational_state::optimal},
        state_case{70, operational_state::optimal},
        state_case{std::nextafter(70.0, 99.0),
                   operational_state::above_optimal},
        state_case{80, operational_state::above_optimal},
        state_case{std::nextafter(80.0, 99.0), operational_state::high},
        state_case{90, operational_state::high},
        state_case{std::nextafter(90.0, 99.0),
                   operational_state::critically_high},
        state_case{1e300, operational_state::critically_high}));

TEST(EnvelopeTest, AnomalyAtLoHiBoundaries) {
  envelope_rule rule;
  EXPECT_TRUE(is_anomalous(rule, std::nextafter(20.0, 0.0)));
  EXPECT_FALSE(is_anomalous(rule, 20));
  EXPECT_FALSE(is_anomalous(rule, 50));
  EXPECT_FALSE(is_anomalous(rule, 80));
  EXPECT_TRUE(is_anomalous(rule, std::nextafter(80.0, 99.0)));
}

TEST(EnvelopeTest, AnomalyBandsConfigurable) {
  envelope_rule critical_only{envelope{}, anomaly_band::lolo_hihi};
  EXPECT_FALSE(is_anomalous(critical_only, 10));
  EXPECT_TRUE(is_anomalous(critical_only, 9.99));
  EXPECT_FALSE(is_anomalous(critical_only, 90));
  EXPECT_TRUE(is_anomalous(critical_only, 90.01));
  envelope_rule optimal_only{envelope{}, anomaly_band::optimal};
  EXPECT_FALSE(is_anomalous(optimal_only, 30));
  EXPECT_TRUE(is_anomalous(optimal_only, 29.99));
  EXPECT_FALSE(is_anomalous(optimal_only, 70));
  EXPECT_TRUE(is_anomalous(optimal_only, 70.01));
}

TEST(EnvelopeTest, SeverityGrowsWithDistance) {
  EXPECT_EQ(severity_of(kDefault, 50), severity::low);
  EXPECT_EQ(severity_of(kDefault, 20), severity::low);
  EXPECT_EQ(severity_of(kDefault, 80), severity::low);
  EXPECT_EQ(severity_of(kDefault, 80.01), severity::medium);
  EXPECT_EQ(severity_of(kDefault, 85), severity::medium);
  EXPECT_EQ(severity_of(kDefault, 85.01), severity::high);
  EXPECT_EQ(severity_of(kDefault, 90), severity::high);
  EXPECT_EQ(severity_of(kDefault, 90.01), severity::critical);
  EXPECT_EQ(severity_of(kDefault, 19.99), severity::medium);
  EXPECT_EQ(severity_of(kDefault, 15), severity::medium);
  EXPECT_EQ(severity_of(kDefault, 14.99), severity::high);
  EXPECT_EQ(severity_of(kDefault, 10), severity::high);
  EXPECT_EQ(severity_of(kDefault, 9.99), severity::critical);
}

TEST(EnvelopeTest, ConfidenceScale) {
  envelope_rule rule;
  EXPECT_DOUBLE_EQ(rule_confidence(rule, 50), 1.0);
  EXPECT_DOUBLE_EQ(rule_confidence(rule, 80), 0.5);
  EXPECT_DOUBLE_EQ(rule_confidence(rule, 20), 0.5);
  EXPECT_DOUBLE_EQ(rule_confidence(rule, 35), 0.75);
  EXPECT_DOUBLE_EQ(rule_confidence(rule, 85), 0.75);
  EXPECT_DOUBLE_EQ(rule_confidence(rule, 15), 0.75);
  EXPECT_DOUBLE_EQ(rule_confidence(rule, 1000), 1.0);
}

TEST(EnvelopeTest, ValidateRejectsDisorder) {
  envelope swapped{10, 20, 70, 30, 80, 90};
  EXPECT_EQ(swapped.validate(),
            "optimal-low (70) is not below optimal-high (30)");
  envelope equal{10, 20, 20, 70, 80, 90};
  EXPECT_EQ(equal.validate(), "Lo (20) is not below optimal-low (20)");
  envelope infinite{10, 20, 30,
                    70, 80, std::numeric_limits<double>::infinity()};
  EXPECT_EQ(infinite.validate(), "HiHi is not a finite number");
}

TEST(CategoryTest, MappingPerType) {
  EXPECT_EQ(category_of("temperature"), category::thermal_pressure);
  EXPECT_EQ(category_of("pressure"), category::thermal_pressure);
  EXPECT_EQ(category_of("vibration"), category::mechanical);
  EXPECT_EQ(category_of("flow_rate"), category::mechanical);
  EXPECT_EQ(category_of("voltage"), category::electrical);
  EXPECT_EQ(category_of("current"), category::electrical);
  EXPECT_EQ(category_of("humidity"), category::other);
  EXPECT_EQ(category_of("Temperature"), category::other);
  EXPECT_EQ(to_string(category::thermal_pressure), "THERMAL_PRESSURE");
  EXPECT_EQ(to_string(category::other), "OTHER");
}

TEST(OperationalStateTest, NamesAreUpperCase) {
  EXPECT_EQ(to_string(operational_state::critically_low), "CRITICALLY_LOW");
  EXPECT_EQ(to_string(operational_state::below_optimal), "BELOW_OPTIMAL");
  EXPECT_EQ(to_string(operational_state::critically_high), "CRITICALLY_HIGH");
  EXPECT_EQ(to_string(severity::critical), "CRITICAL");
}

}  // namespace
}  // namespace ntscada
