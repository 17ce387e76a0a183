#include "core/calendar.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace guichet {
namespace {

using std::chrono::days;
using std::chrono::hours;
using std::chrono::local_days;
using std::chrono::minutes;
using std::chrono::sys_days;
using std::chrono::year_month_day;

year_month_day date(int y, unsigned m, unsigned d) {
  return std::chrono::year(y) / std::chrono::month(m) / std::chrono::day(d);
}
Time utc(int y, unsigned m, unsigned d, int h, int min = 0) {
  return Time(sys_days(date(y, m, d)) + hours(h) + minutes(min));
}
LocalTime local(int y, unsigned m, unsigned d, int h, int min = 0) {
  return LocalTime(local_days(date(y, m, d)) + hours(h) + minutes(min));
}

constexpr Duration kMs(1);
constexpr const char* kPosixParis = "CET-1CEST,M3.5.0,M10.5.0/3";
constexpr const char* kPosixSydney = "AEST-10AEDT,M10.1.0,M4.1.0/3";
constexpr const char* kOfficeHours = "mon-fri 08:30-12:30,13:30-17:00; sat 09:00-12:00";

TimeZone zone(std::string_view spec) {
  auto parsed = TimeZone::from_posix(spec);
  EXPECT_TRUE(parsed.is_ok()) << spec << ": " << parsed.status().to_string();
  return parsed.is_ok() ? *parsed : TimeZone();
}

BusinessCalendar calendar(std::string_view weekly_hours) {
  auto parsed = BusinessCalendar::parse(weekly_hours);
  EXPECT_TRUE(parsed.is_ok()) << weekly_hours << ": " << parsed.status().to_string();
  return parsed.is_ok() ? *parsed : BusinessCalendar();
}

// --- Easter and holidays ---

TEST(EasterSunday, KnownYears) {
  EXPECT_EQ(easter_sunday(std::chrono::year(1961)), date(1961, 4, 2));
  EXPECT_EQ(easter_sunday(std::chrono::year(2000)), date(2000, 4, 23));
  EXPECT_EQ(easter_sunday(std::chrono::year(2008)), date(2008, 3, 23));
  EXPECT_EQ(easter_sunday(std::chrono::year(2024)), date(2024, 3, 31));
  EXPECT_EQ(easter_sunday(std::chrono::year(2025)), date(2025, 4, 20));
  EXPECT_EQ(easter_sunday(std::chrono::year(2026)), date(2026, 4, 5));
  EXPECT_EQ(easter_sunday(std::chrono::year(2027)), date(2027, 3, 28));
  EXPECT_EQ(easter_sunday(std::chrono::year(2038)), date(2038, 4, 25));
  EXPECT_EQ(easter_sunday(std::chrono::year(2285)), date(2285, 3, 22));  // earliest possible
}

TEST(FrenchPublicHolidays, Year2026) {
  const std::vector<year_month_day> expected = {
      date(2026, 1, 1),  date(2026, 4, 6),   date(2026, 5, 1),   date(2026, 5, 8),
      date(2026, 5, 14), date(2026, 5, 25),  date(2026, 7, 14),  date(2026, 8, 15),
      date(2026, 11, 1), date(2026, 11, 11), date(2026, 12, 25),
  };
  EXPECT_EQ(french_public_holidays(std::chrono::year(2026)), expected);
}

TEST(FrenchPublicHolidays, AlsaceMoselleAddsGoodFridayAndSaintStephen) {
  const auto holidays = french_public_holidays(std::chrono::year(2026), true);
  ASSERT_EQ(holidays.size(), 13u);
  EXPECT_EQ(holidays[1], date(2026, 4, 3));
  EXPECT_EQ(holidays[2], date(2026, 4, 6));
  EXPECT_EQ(holidays.back(), date(2026, 12, 26));
  EXPECT_TRUE(std::is_sorted(holidays.begin(), holidays.end()));
}

TEST(FrenchPublicHolidays, AscensionOnMayDayIsListedOnce) {
  const auto holidays = french_public_holidays(std::chrono::year(2008));
  EXPECT_EQ(holidays.size(), 10u);
  EXPECT_EQ(std::count(holidays.begin(), holidays.end(), date(2008, 5, 1)), 1);
}

// --- Time zones ---

TEST(TimeZone, ParisOffsetsAroundSpringTransition) {
  const TimeZone& paris = TimeZone::europe_paris();
  EXPECT_EQ(paris.name(), "Europe/Paris");
  EXPECT_EQ(paris.offset_at(utc(2026, 1, 15, 12)), hours(1));
  EXPECT_EQ(paris.offset_at(utc(2026, 3, 29, 1) - kMs), hours(1));
  EXPECT_EQ(paris.offset_at(utc(2026, 3, 29, 1)), hours(2));
  EXPECT_EQ(paris.to_local(utc(2026, 3, 29, 1) - kMs), local(2026, 3, 29, 2) - kMs);
  EXPECT_EQ(paris.to_local(utc(2026, 3, 29, 1)), local(2026, 3, 29, 3));
}

TEST(TimeZone, ParisOffsetsAroundAutumnTransition) {
  const TimeZone& paris = TimeZone::europe_paris();
  EXPECT_EQ(paris.offset_at(utc(2026, 7, 1, 12)), hours(2));
  EXPECT_EQ(paris.offset_at(utc(2026, 10, 25, 1) - kMs), hours(2));
  EXPECT_EQ(paris.offset_at(utc(2026, 10, 25, 1)), hours(1));
  EXPECT_EQ(paris.to_local(utc(2026, 10, 25, 1) - kMs), local(2026, 10, 25, 3) - kMs);
  EXPECT_EQ(paris.to_local(utc(2026, 10, 25, 1)), local(2026, 10, 25, 2));
}

TEST(TimeZone, ToUtcOrdinaryTimesRoundTrip) {
  const TimeZone& paris = TimeZone::europe_paris();
  EXPECT_EQ(paris.to_utc(local(2026, 1, 15, 9)), utc(2026, 1, 15, 8));
  EXPECT_EQ(paris.to_utc(local(2026, 7, 14, 9)), utc(2026, 7, 14, 7));
  for (Time t = utc(2026, 3, 28, 0); t < utc(2026, 3, 30, 0); t += minutes(10)) {
    EXPECT_EQ(paris.to_utc(paris.to_local(t)), t);
  }
}

TEST(TimeZone, ToUtcTakesSkippedTimeWithOffsetBefore) {
  // 02:30 does not exist on 29 March 2026: read as 02:30 CET, i.e. 03:30 CEST.
  const TimeZone& paris = TimeZone::europe_paris();
  EXPECT_EQ(paris.to_utc(local(2026, 3, 29, 2, 30)), utc(2026, 3, 29, 1, 30));
  EXPECT_EQ(paris.to_local(paris.to_utc(local(2026, 3, 29, 2, 30))), local(2026, 3, 29, 3, 30));
  EXPECT_EQ(paris.to_utc(local(2026, 3, 29, 3)), utc(2026, 3, 29, 1));
}

TEST(TimeZone, ToUtcTakesRepeatedTimeAtFirstOccurrence) {
  const TimeZone& paris = TimeZone::europe_paris();
  EXPECT_EQ(paris.to_utc(local(2026, 10, 25, 2, 30)), utc(2026, 10, 25, 0, 30));
  EXPECT_EQ(paris.to_utc(local(2026, 10, 25, 3)), utc(2026, 10, 25, 2));
}

TEST(TimeZone, SouthernHemisphereDaylightSavingSpansNewYear) {
  const TimeZone sydney = zone(kPosixSydney);
  EXPECT_EQ(sydney.name(), kPosixSydney);
  EXPECT_EQ(sydney.offset_at(utc(2026, 1, 15, 0)), hours(11));
  EXPECT_EQ(sydney.offset_at(utc(2026, 7, 1, 0)), hours(10));
  EXPECT_EQ(sydney.offset_at(utc(2026, 12, 31, 23)), hours(11));
  // Ends Sunday 5 April 2026 03:00 AEDT, starts Sunday 4 October 2026 02:00 AEST.
  EXPECT_EQ(sydney.offset_at(utc(2026, 4, 4, 16) - kMs), hours(11));
  EXPECT_EQ(sydney.offset_at(utc(2026, 4, 4, 16)), hours(10));
  EXPECT_EQ(sydney.offset_at(utc(2026, 10, 3, 16) - kMs), hours(10));
  EXPECT_EQ(sydney.offset_at(utc(2026, 10, 3, 16)), hours(11));
  EXPECT_EQ(sydney.to_utc(local(2026, 10, 4, 2, 30)), utc(2026, 10, 3, 16, 30));
  EXPECT_EQ(sydney.to_utc(local(2026, 4, 5, 2, 30)), utc(2026, 4, 4, 15, 30));
}

TEST(TimeZone, OtherPosixForms) {
  EXPECT_EQ(zone("UTC0").offset_at(utc(2026, 7, 1, 0)), hours(0));
  EXPECT_EQ(zone("<+0530>-5:30").offset_at(utc(2026, 7, 1, 0)), hours(5) + minutes(30));
  EXPECT_EQ(zone("<-03>3").offset_at(utc(2026, 7, 1, 0)), hours(-3));
  const TimeZone new_york = zone("EST5EDT,M3.2.0,M11.1.0");
  EXPECT_EQ(new_york.offset_at(utc(2026, 1, 1, 0)), hours(-5));
  EXPECT_EQ(new_york.offset_at(utc(2026, 7, 1, 0)), hours(-4));
  // Explicit dst offset, Julian and zero-based day rules.
  const TimeZone custom = zone("AAA-2BBB-4,J60/0,200/0");  // 1 March to 20 July
  EXPECT_EQ(custom.offset_at(utc(2028, 2, 29, 12)), hours(2));
  EXPECT_EQ(custom.offset_at(utc(2028, 3, 1, 12)), hours(4));
  EXPECT_EQ(custom.offset_at(utc(2028, 7, 18, 12)), hours(4));
  EXPECT_EQ(custom.offset_at(utc(2028, 7, 19, 12)), hours(2));
  // Daylight saving all year round (RFC 8536 example).
  const TimeZone always_dst = zone("EST5EDT,0/0,J365/25");
  EXPECT_EQ(always_dst.offset_at(utc(2026, 1, 1, 5)), hours(-4));
  EXPECT_EQ(always_dst.offset_at(utc(2026, 7, 1, 0)), hours(-4));
}

TEST(TimeZone, NegativeDaylightSaving) {
  // Europe/Dublin: Irish Standard Time in summer, GMT as "daylight" time in winter.
  const TimeZone dublin = zone("IST-1GMT0,M10.5.0,M3.5.0/1");
  EXPECT_EQ(dublin.offset_at(utc(2026, 1, 15, 0)), hours(0));
  EXPECT_EQ(dublin.offset_at(utc(2026, 7, 1, 0)), hours(1));
  EXPECT_EQ(dublin.to_utc(local(2026, 3, 29, 1, 30)), utc(2026, 3, 29, 1, 30));
}

TEST(TimeZone, RefusesMalformedSpecs) {
  for (const char* spec : {"",
                           "CET",
                           "CE-1",
                           "C1",
                           "CET-1x",
                           "CET25",
                           "CET-1:60",
                           "<+03",
                           "<+03>",
                           "<+0 3>-3",
                           "CET-1CEST",
                           "CET-1CEST,",
                           "CET-1CEST,M3.5.0",
                           "CET-1CEST,M3.5.0,",
                           "CET-1CEST,M13.5.0,M10.5.0",
                           "CET-1CEST,M0.5.0,M10.5.0",
                           "CET-1CEST,M3.6.0,M10.5.0",
                           "CET-1CEST,M3.0.0,M10.5.0",
                           "CET-1CEST,M3.5.7,M10.5.0",
                           "CET-1CEST,M3.5,M10.5.0",
                           "CET-1CEST,J0,J365",
                           "CET-1CEST,366,0",
                           "CET-1CEST,M3.5.0,M10.5.0/168",
                           "CET-1CEST,M3.5.0,M10.5.0/3junk",
                           "CET-1CEST-,M3.5.0,M10.5.0"}) {
    const auto parsed = TimeZone::from_posix(spec);
    ASSERT_FALSE(parsed.is_ok()) << spec;
    EXPECT_EQ(parsed.error().code, ErrorCode::kInvalidArgument) << spec;
  }
}

class ZoneinfoTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::filesystem::exists("/usr/share/zoneinfo/Europe/Paris")) {
      GTEST_SKIP() << "no tzdata in /usr/share/zoneinfo";
    }
  }
};

// The same offset every hour of a year, and the same local times.
void expect_same_rules(const TimeZone& loaded, const TimeZone& reference, int year) {
  for (Time t = utc(year, 1, 1, 0); t < utc(year + 1, 1, 1, 0); t += hours(1)) {
    ASSERT_EQ(loaded.offset_at(t), reference.offset_at(t)) << to_ms(t);
  }
}

TEST_F(ZoneinfoTest, LoadedParisMatchesBuiltIn) {
  const auto paris = TimeZone::load("Europe/Paris");
  ASSERT_TRUE(paris.is_ok()) << paris.status().to_string();
  EXPECT_EQ(paris->name(), "Europe/Paris");
  expect_same_rules(*paris, TimeZone::europe_paris(), 2026);
  expect_same_rules(*paris, TimeZone::europe_paris(), 2027);
}

TEST_F(ZoneinfoTest, LoadedSydneyMatchesPosixString) {
  const auto sydney = TimeZone::load("Australia/Sydney");
  ASSERT_TRUE(sydney.is_ok()) << sydney.status().to_string();
  expect_same_rules(*sydney, zone(kPosixSydney), 2026);
}

TEST_F(ZoneinfoTest, LoadReportsErrors) {
  EXPECT_EQ(TimeZone::load("Europe/Nowhere").error().code, ErrorCode::kIo);
  EXPECT_EQ(TimeZone::load("../../etc/passwd").error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(TimeZone::load("/etc/passwd").error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(TimeZone::load("").error().code, ErrorCode::kInvalidArgument);
  EXPECT_FALSE(TimeZone::load("Europe").is_ok());  // a directory
}

TEST(TimeZoneLoad, RefusesFilesWithoutFooter) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("guichet_calendar_test_" +
                    std::to_string(::testing::UnitTest::GetInstance()->random_seed()));
  std::filesystem::create_directories(dir);
  const auto write = [&](const std::string& name, const std::string& bytes) {
    std::ofstream(dir / name, std::ios::binary) << bytes;
  };
  const std::string header_rest(40, '\0');
  write("v1", "TZif" + std::string(1, '\0') + header_rest);
  write("v2_no_footer", "TZif2" + header_rest);
  write("v2_empty_footer", "TZif2" + header_rest + "\n\n");
  write("v2_ok", "TZif2" + header_rest + "\n" + kPosixParis + "\n");
  write("not_tzif", "# just some text\n" + header_rest + "\nCET-1\n");
  for (const char* name : {"v1", "v2_no_footer", "v2_empty_footer", "not_tzif"}) {
    const auto loaded = TimeZone::load(name, dir.string());
    ASSERT_FALSE(loaded.is_ok()) << name;
    EXPECT_EQ(loaded.error().code, ErrorCode::kInvalidArgument) << name;
  }
  const auto loaded = TimeZone::load("v2_ok", dir.string());
  ASSERT_TRUE(loaded.is_ok()) << loaded.status().to_string();
  EXPECT_EQ(loaded->offset_at(utc(2026, 7, 1, 0)), hours(2));
  std::filesystem::remove_all(dir);
}

// --- Business calendar ---

TEST(BusinessCalendar, ClosedUntilIntervalsAreAdded) {
  const BusinessCalendar empty;
  EXPECT_FALSE(empty.is_open(utc(2026, 3, 4, 10)));
  EXPECT_EQ(empty.next_change(utc(2026, 3, 4, 10)), std::nullopt);
  EXPECT_EQ(empty.zone().name(), "Europe/Paris");
}

TEST(BusinessCalendar, AddIntervalValidates) {
  BusinessCalendar calendar;
  const auto monday = std::chrono::Monday;
  EXPECT_TRUE(calendar.add_interval(monday, hours(9), hours(12)).is_ok());
  EXPECT_TRUE(calendar.add_interval(monday, hours(12), hours(14)).is_ok());  // touching is fine
  EXPECT_TRUE(calendar.add_interval(monday, hours(20), hours(24)).is_ok());
  EXPECT_FALSE(calendar.add_interval(monday, hours(11), hours(13)).is_ok());  // overlap
  EXPECT_FALSE(calendar.add_interval(monday, hours(8), hours(15)).is_ok());   // overlap
  EXPECT_FALSE(calendar.add_interval(monday, hours(17), hours(17)).is_ok());
  EXPECT_FALSE(calendar.add_interval(monday, hours(18), hours(17)).is_ok());
  EXPECT_FALSE(calendar.add_interval(monday, hours(-1), hours(1)).is_ok());
  EXPECT_FALSE(calendar.add_interval(monday, hours(23), hours(25)).is_ok());
  const Status bad_day = calendar.add_interval(std::chrono::weekday(8), hours(1), hours(2));
  ASSERT_FALSE(bad_day.is_ok());
  EXPECT_EQ(bad_day.error().code, ErrorCode::kInvalidArgument);
  // 9:00-14:00 as one stretch: no change at 12:00 (2 March 2026 is a Monday).
  EXPECT_EQ(calendar.next_change(utc(2026, 3, 2, 8)), utc(2026, 3, 2, 13));
}

TEST(BusinessCalendar, ParseRefusesBadInput) {
  for (const char* text : {"",
                           "   ",
                           "xyz",
                           "mon",
                           "mon-fri",
                           "mon-fri 25:00-26:00",
                           "mon 10:00-09:00",
                           "mon 09:00-09:00",
                           "fun 09:00-10:00",
                           "mon-fun 09:00-10:00",
                           "mon 9-10",
                           "mon 09:00-10:00;",
                           "; mon 09:00-10:00",
                           "mon 09:60-10:00",
                           "mon 24:30-24:45",
                           "mon 09:00-",
                           "mon -",
                           "mon 09:00-12:00,",
                           "mon 09:00-12:00,11:00-13:00",
                           "mon 09:00-12:00; mon-tue 11:00-13:00",
                           "mon 0900-1000",
                           "mon 09:00-10:00:00",
                           "mon 123:00-124:00",
                           "mon +9:00-10:00",
                           "mon 09:+1-10:00",
                           "mon, 09:00-10:00",
                           "mon- 09:00-10:00",
                           "mon 09:00--10:00",
                           "monday 09:00-10:00"}) {
    const auto parsed = BusinessCalendar::parse(text);
    ASSERT_FALSE(parsed.is_ok()) << text;
    EXPECT_EQ(parsed.error().code, ErrorCode::kInvalidArgument) << text;
    EXPECT_FALSE(parsed.error().message.empty()) << text;
  }
}

TEST(BusinessCalendar, ParseAcceptsListsWrappingRangesAndCase) {
  const BusinessCalendar weekend = calendar("Sat-Mon 10:00-11:00 ; wed,fri 00:00-24:00");
  EXPECT_TRUE(weekend.is_open(utc(2026, 3, 7, 9, 30)));    // Saturday 10:30 CET
  EXPECT_TRUE(weekend.is_open(utc(2026, 3, 8, 9, 30)));    // Sunday
  EXPECT_TRUE(weekend.is_open(utc(2026, 3, 9, 9, 30)));    // Monday
  EXPECT_FALSE(weekend.is_open(utc(2026, 3, 10, 9, 30)));  // Tuesday
  EXPECT_TRUE(weekend.is_open(utc(2026, 3, 4, 22, 59)));   // Wednesday 23:59 CET
  EXPECT_FALSE(weekend.is_open(utc(2026, 3, 4, 23, 0)));   // Thursday 00:00 CET
}

TEST(BusinessCalendar, OpenOnWeekdayHours) {
  const BusinessCalendar office = calendar(kOfficeHours);
  // Wednesday 4 March 2026, CET (UTC+1).
  EXPECT_FALSE(office.is_open(utc(2026, 3, 4, 7, 29)));
  EXPECT_TRUE(office.is_open(utc(2026, 3, 4, 7, 30)));
  EXPECT_TRUE(office.is_open(utc(2026, 3, 4, 11, 29)));
  EXPECT_FALSE(office.is_open(utc(2026, 3, 4, 11, 30)));  // lunch
  EXPECT_TRUE(office.is_open(utc(2026, 3, 4, 12, 30)));
  EXPECT_FALSE(office.is_open(utc(2026, 3, 4, 16, 0)));
  // Wednesday 1 July 2026, CEST (UTC+2).
  EXPECT_TRUE(office.is_open(utc(2026, 7, 1, 6, 30)));
  EXPECT_FALSE(office.is_open(utc(2026, 7, 1, 15, 0)));
}

TEST(BusinessCalendar, OpenSaturdayMorningOnly) {
  const BusinessCalendar office = calendar(kOfficeHours);
  EXPECT_TRUE(office.is_open(utc(2026, 3, 7, 8)));    // Saturday 09:00
  EXPECT_FALSE(office.is_open(utc(2026, 3, 7, 11)));  // Saturday 12:00
  EXPECT_FALSE(office.is_open(utc(2026, 3, 8, 9)));   // Sunday
}

TEST(BusinessCalendar, ClosedOnHolidays) {
  BusinessCalendar office = calendar(kOfficeHours);
  EXPECT_TRUE(office.is_holiday(date(2026, 7, 14)));
  EXPECT_FALSE(office.is_open(utc(2026, 7, 14, 8)));  // Tuesday, Bastille Day
  EXPECT_FALSE(office.is_open(utc(2026, 5, 14, 8)));  // Thursday, Ascension
  EXPECT_TRUE(office.is_open(utc(2026, 5, 13, 8)));
  EXPECT_TRUE(office.is_open(utc(2026, 4, 3, 8)));  // Good Friday, outside Alsace-Moselle
  office.set_french_holidays(true, true);
  EXPECT_FALSE(office.is_open(utc(2026, 4, 3, 8)));
  office.set_french_holidays(false);
  EXPECT_FALSE(office.is_holiday(date(2026, 7, 14)));
  EXPECT_TRUE(office.is_open(utc(2026, 7, 14, 8)));
}

TEST(BusinessCalendar, ClosedOnAddedDates) {
  BusinessCalendar office = calendar(kOfficeHours);
  office.add_closed_date(date(2026, 3, 4));
  office.add_closed_date(date(2026, 3, 2));
  office.add_closed_date(date(2026, 3, 4));
  EXPECT_TRUE(office.is_holiday(date(2026, 3, 4)));
  EXPECT_FALSE(office.is_open(utc(2026, 3, 4, 9)));
  EXPECT_FALSE(office.is_open(utc(2026, 3, 2, 9)));
  EXPECT_TRUE(office.is_open(utc(2026, 3, 3, 9)));
  office.set_french_holidays(false);
  EXPECT_FALSE(office.is_open(utc(2026, 3, 4, 9)));  // still closed: not a public holiday
}

TEST(BusinessCalendar, NextChangeWithinADay) {
  const BusinessCalendar office = calendar(kOfficeHours);
  EXPECT_EQ(office.next_change(utc(2026, 3, 4, 6)), utc(2026, 3, 4, 7, 30));
  EXPECT_EQ(office.next_change(utc(2026, 3, 4, 7, 30)), utc(2026, 3, 4, 11, 30));
  EXPECT_EQ(office.next_change(utc(2026, 3, 4, 11, 30)), utc(2026, 3, 4, 12, 30));
}

TEST(BusinessCalendar, NextChangeAcrossWeekend) {
  const BusinessCalendar weekdays = calendar("mon-fri 08:30-12:30,13:30-17:00");
  // Friday 6 March 2026 18:00 CET -> Monday 9 March 08:30 CET.
  EXPECT_EQ(weekdays.next_change(utc(2026, 3, 6, 17)), utc(2026, 3, 9, 7, 30));
  // Friday 27 March 18:00 CET -> Monday 30 March 08:30 CEST: the clocks change on Sunday.
  EXPECT_EQ(weekdays.next_change(utc(2026, 3, 27, 17)), utc(2026, 3, 30, 6, 30));
  const BusinessCalendar office = calendar(kOfficeHours);
  EXPECT_EQ(office.next_change(utc(2026, 3, 6, 17)), utc(2026, 3, 7, 8));
  EXPECT_EQ(office.next_change(utc(2026, 3, 7, 8)), utc(2026, 3, 7, 11));
  EXPECT_EQ(office.next_change(utc(2026, 3, 7, 11)), utc(2026, 3, 9, 7, 30));
}

TEST(BusinessCalendar, NextChangeAcrossHolidays) {
  const BusinessCalendar office = calendar(kOfficeHours);
  // Monday 13 July 17:00 CEST -> Wednesday 15 July 08:30 CEST, over Bastille Day.
  EXPECT_EQ(office.next_change(utc(2026, 7, 13, 15)), utc(2026, 7, 15, 6, 30));
  // Wednesday 13 May 17:00 -> Friday 15 May 08:30, over Ascension.
  EXPECT_EQ(office.next_change(utc(2026, 5, 13, 15)), utc(2026, 5, 15, 6, 30));
  // Saturday 4 April 12:00 -> Tuesday 7 April 08:30, over Easter Monday.
  EXPECT_EQ(office.next_change(utc(2026, 4, 4, 10)), utc(2026, 4, 7, 6, 30));
  // Open all day: the first change is the holiday itself, at local midnight.
  const BusinessCalendar always = calendar("mon-sun 00:00-24:00");
  EXPECT_EQ(always.next_change(utc(2026, 7, 10, 12)), utc(2026, 7, 13, 22));
  EXPECT_EQ(always.next_change(utc(2026, 7, 13, 22)), utc(2026, 7, 14, 22));
}

TEST(BusinessCalendar, NextChangeNeverWhenAlwaysOpen) {
  BusinessCalendar always = calendar("mon-sun 00:00-24:00");
  always.set_french_holidays(false);
  EXPECT_TRUE(always.is_open(utc(2026, 3, 29, 1)));
  EXPECT_EQ(always.next_change(utc(2026, 3, 1, 0)), std::nullopt);
}

TEST(BusinessCalendar, NextChangeOnSpringForwardDay) {
  // 02:00-03:00 does not exist on Sunday 29 March 2026: the service opens
  // when the clocks jump to 03:00 (01:00 UTC), not at the skipped 02:30.
  BusinessCalendar night = calendar("sun 02:30-04:00");
  night.set_french_holidays(false);
  EXPECT_EQ(night.next_change(utc(2026, 3, 29, 0)), utc(2026, 3, 29, 1));
  EXPECT_EQ(night.next_change(utc(2026, 3, 29, 1)), utc(2026, 3, 29, 2));
  // Wholly inside the gap: never open that day.
  BusinessCalendar skipped = calendar("sun 02:10-02:50");
  EXPECT_EQ(skipped.next_change(utc(2026, 3, 28, 0)), utc(2026, 4, 5, 0, 10));
}

TEST(BusinessCalendar, NextChangeOnFallBackDay) {
  // 02:15-02:45 happens twice on Sunday 25 October 2026: once in CEST, once in CET.
  const BusinessCalendar night = calendar("sun 02:15-02:45");
  EXPECT_EQ(night.next_change(utc(2026, 10, 25, 0)), utc(2026, 10, 25, 0, 15));
  EXPECT_EQ(night.next_change(utc(2026, 10, 25, 0, 15)), utc(2026, 10, 25, 0, 45));
  EXPECT_EQ(night.next_change(utc(2026, 10, 25, 0, 45)), utc(2026, 10, 25, 1, 15));
  EXPECT_EQ(night.next_change(utc(2026, 10, 25, 1, 15)), utc(2026, 10, 25, 1, 45));
  // Sunday 1 November is All Saints' Day: next opening a week later.
  EXPECT_EQ(night.next_change(utc(2026, 10, 25, 1, 45)), utc(2026, 11, 8, 1, 15));
}

TEST(BusinessCalendar, NextChangeInSydney) {
  auto parsed = BusinessCalendar::parse("mon-fri 09:00-17:00", zone(kPosixSydney));
  ASSERT_TRUE(parsed.is_ok());
  // Friday 3 April 2026 17:00 AEDT -> Tuesday 7 April 09:00 AEST, over the
  // end of DST and Easter Monday (French holidays apply unless disabled).
  EXPECT_EQ(parsed->next_change(utc(2026, 4, 3, 6)), utc(2026, 4, 6, 23));
}

// Every change next_change reports is one, and none is missed, checked every
// five minutes over two months with both clock changes and Easter.
TEST(BusinessCalendar, NextChangeAgreesWithIsOpen) {
  const BusinessCalendar office = calendar("mon-fri 08:30-12:30,13:30-17:00; sun 02:00-02:40");
  for (const Time start : {utc(2026, 3, 15, 0), utc(2026, 10, 10, 0)}) {
    Time t = start;
    while (t < start + days(30)) {
      const bool open = office.is_open(t);
      const auto change = office.next_change(t);
      ASSERT_TRUE(change.has_value());
      ASSERT_GT(*change, t);
      EXPECT_NE(office.is_open(*change), open) << to_ms(*change);
      for (Time probe = t; probe < *change; probe += minutes(5)) {
        ASSERT_EQ(office.is_open(probe), open) << to_ms(probe);
      }
      ASSERT_EQ(office.is_open(*change - kMs), open) << to_ms(*change);
      t = *change;
    }
  }
}

// The stretches a calendar opens within a range, and what presence leaves
// uncovered of them.
TEST(Stretches, OpenStretchesAndWhatIsLeftUncovered) {
  auto calendar = BusinessCalendar::parse("mon-fri 08:30-12:30,13:30-17:00");
  ASSERT_TRUE(calendar);
  // Monday 7 December 2026, Paris (UTC+1): from midnight to midnight.
  const Time from = utc(2026, 12, 6, 23);
  const Time to = utc(2026, 12, 7, 23);
  const std::vector<Stretch> open = open_stretches(*calendar, from, to);
  ASSERT_EQ(open.size(), 2u);
  EXPECT_EQ(open[0], (Stretch{utc(2026, 12, 7, 7, 30), utc(2026, 12, 7, 11, 30)}));
  EXPECT_EQ(open[1], (Stretch{utc(2026, 12, 7, 12, 30), utc(2026, 12, 7, 16)}));
  // A range starting inside an open stretch is cut there.
  EXPECT_EQ(open_stretches(*calendar, utc(2026, 12, 7, 10), utc(2026, 12, 7, 11)),
            (std::vector<Stretch>{{utc(2026, 12, 7, 10), utc(2026, 12, 7, 11)}}));
  EXPECT_TRUE(open_stretches(*calendar, utc(2026, 12, 12, 0), utc(2026, 12, 13, 0)).empty())
      << "Saturday";
  // Two agents' presence, overlapping, out of order: one gap in the
  // morning, the afternoon uncovered after 15:00 local.
  const std::vector<Stretch> present = {{utc(2026, 12, 7, 9), utc(2026, 12, 7, 14)},
                                        {utc(2026, 12, 7, 6), utc(2026, 12, 7, 8)},
                                        {utc(2026, 12, 7, 8), utc(2026, 12, 7, 8, 30)}};
  EXPECT_EQ(uncovered(open, present),
            (std::vector<Stretch>{{utc(2026, 12, 7, 8, 30), utc(2026, 12, 7, 9)},
                                  {utc(2026, 12, 7, 14), utc(2026, 12, 7, 16)}}));
  EXPECT_EQ(uncovered(open, {}), open);
  EXPECT_TRUE(uncovered(open, {{from, to}}).empty());
}

TEST(WorkingDays, ADeadlineSkipsWeekendsAndFrenchHolidays) {
  using std::chrono::December;
  using std::chrono::January;
  using std::chrono::May;
  auto calendar = BusinessCalendar::parse("mon-fri 08:30-17:00");
  ASSERT_TRUE(calendar);
  // Friday 18 December 2026 at 23:30 in Paris is Friday still: five working
  // days later skip the weekend, Christmas (Friday 25) and the next weekend.
  EXPECT_EQ(working_days_after(*calendar, utc(2026, 12, 18, 22, 30), 5),
            std::chrono::year_month_day(std::chrono::year(2026), December, std::chrono::day(28)));
  // Two working days after Thursday 31 December: New Year's Day is closed.
  EXPECT_EQ(working_days_after(*calendar, utc(2026, 12, 31, 10), 2),
            std::chrono::year_month_day(std::chrono::year(2027), January, std::chrono::day(5)));
  // A mail on Saturday: counted from Monday's next day.
  EXPECT_EQ(working_days_after(*calendar, utc(2026, 12, 12, 10), 1),
            std::chrono::year_month_day(std::chrono::year(2026), December, std::chrono::day(14)));
  // Saturday mornings open: Saturday counts.
  auto with_saturday = BusinessCalendar::parse("mon-fri 08:30-17:00; sat 09:00-12:00");
  EXPECT_EQ(working_days_after(*with_saturday, utc(2026, 12, 11, 10), 1),
            std::chrono::year_month_day(std::chrono::year(2026), December, std::chrono::day(12)));
  // No hours at all: Monday to Friday, holidays closed.
  EXPECT_EQ(working_days_after(BusinessCalendar(), utc(2026, 12, 24, 10), 1),
            std::chrono::year_month_day(std::chrono::year(2026), December, std::chrono::day(28)));
  EXPECT_EQ(french_date(std::chrono::year_month_day(std::chrono::year(2026), December,
                                                    std::chrono::day(28))),
            "lundi 28 décembre 2026");
  EXPECT_EQ(
      french_date(std::chrono::year_month_day(std::chrono::year(2027), May, std::chrono::day(1))),
      "samedi 1er mai 2027");
}

}  // namespace
}  // namespace guichet
