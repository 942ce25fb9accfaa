#include "reading/units.h"

#include <gtest/gtest.h>

namespace ntscada {
namespace {

TEST(UnitsTest, CanonicalUnitsPerType) {
  EXPECT_EQ(canonical_unit("temperature"), "C");
  EXPECT_EQ(canonical_unit("pressure"), "bar");
  EXPECT_EQ(canonical_unit("flow_rate"), "l/min");
  EXPECT_EQ(canonical_unit("vibration"), "g");
  EXPECT_EQ(canonical_unit("voltage"), "V");
  EXPECT_EQ(canonical_unit("current"), "A");
  EXPECT_FALSE(canonical_unit("humidity"));
}

TEST(UnitsTest, ConversionsExact) {
  struct conversion {
    const char* type;
    const char* unit;
    double value;
    double expected;
  };
  for (const auto& c : {conversion{"temperature", "F", 212, 100},
                        conversion{"temperature", "K", 273.15, 0},
                        conversion{"pressure", "kPa", 250, 2.5},
                        conversion{"pressure", "mbar", 1013.25, 1.01325},
                        conversion{"flow_rate", "m3/h", 6, 100},
                        conversion{"flow_rate", "l/s", 2, 120},
                        conversion{"vibration", "m/s2", 9.80665, 1},
                        conversion{"voltage", "kV", 0.4, 400},
                        conversion{"current", "mA", 250, 0.25}}) {
    auto converted = to_canonical_unit(c.type, c.unit, c.value);
    ASSERT_TRUE(converted) << c.unit;
    EXPECT_NEAR(converted->value, c.expected, 1e-9) << c.unit;
    EXPECT_TRUE(converted->converted) << c.unit;
  }
}

TEST(UnitsTest, CanonicalUnitNotConverted) {
  auto same = to_canonical_unit("temperature", "°C", 21.5);
  ASSERT_TRUE(same);
  EXPECT_EQ(same->value, 21.5);
  EXPECT_EQ(same->unit, "C");
  EXPECT_FALSE(same->converted);
}

TEST(UnitsTest, IncompatibleAndUnknownUnits) {
  auto bar = to_canonical_unit("temperature", "bar", 18);
  ASSERT_FALSE(bar);
  EXPECT_EQ(bar.error().reason, reject_reason::unit_incompatible);
  auto percent = to_canonical_unit("voltage", "%", 18);
  ASSERT_FALSE(percent);
  EXPECT_EQ(percent.error().reason, reject_reason::unit_incompatible);
  auto deg = to_canonical_unit("temperature", "deg", 18);
  ASSERT_FALSE(deg);
  EXPECT_EQ(deg.error().reason, reject_reason::unit_unknown);
  EXPECT_NE(deg.error().detail.find("'deg'"), std::string::npos);
}

}  // namespace
}  // namespace ntscada
