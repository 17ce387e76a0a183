// Business calendars: time zones, French public holidays and opening hours.
//
// Pure values: no I/O except TimeZone::load, which reads a zoneinfo file once,
// at the boundary. Copyable; safe to read from several threads.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.h"
#include "core/time.h"

namespace guichet {

using LocalTime = std::chrono::local_time<Duration>;

// A time zone's current rule: a standard offset and, optionally, daylight
// saving time between two yearly transitions, as in a POSIX TZ string
// ("CET-1CEST,M3.5.0,M10.5.0/3" for Europe/Paris). Past rule changes are not
// kept: a contact center plans from now on.
class TimeZone {
 public:
  // Parses a POSIX TZ string (std offset [dst [offset] [,start[/time],end[/time]]]),
  // with M (month.week.weekday), J (julian, no Feb 29) and plain day-of-year rules,
  // and the RFC 8536 extensions (rule times from -167 to 167 hours). A dst name
  // needs its rules. An empty name makes the spec the name. Invalid input gives
  // invalid_argument.
  static Result<TimeZone> from_posix(std::string_view spec, std::string name = {});
  // Reads the POSIX footer of a TZif file (version 2 or later), e.g.
  // load("Europe/Paris"). Blocks on the disk. An unreadable file gives an io
  // error; a name leaving zoneinfo_dir, a file that is not TZif or has no
  // footer give invalid_argument.
  static Result<TimeZone> load(std::string_view name,
                               std::string_view zoneinfo_dir = "/usr/share/zoneinfo");
  // Built in, so that nothing needs the disk: CET/CEST with EU rules.
  static const TimeZone& europe_paris();

  const std::string& name() const { return name_; }
  // Offset from UTC in force at `utc` (UTC+1 in winter for Paris: +3600 s).
  Duration offset_at(Time utc) const;
  LocalTime to_local(Time utc) const;
  // The instant a local wall-clock time names. A time skipped by the spring
  // transition is taken with the offset before it (02:30 -> 03:30 local);
  // a time repeated in autumn is taken at its first occurrence.
  Time to_utc(LocalTime local) const;

 private:
  struct Rule {
    enum class Kind { kMonthWeekDay, kJulianNoLeap, kDayOfYear } kind = Kind::kMonthWeekDay;
    int month = 0, week = 0, weekday = 0, day = 0;
    Duration time = Duration(2 * 3600 * 1000);  // local time of the transition
  };
  // Local instant of `rule` in `year`, in the time in force before it.
  static LocalTime transition(const Rule& rule, int year);
  // Reads one ",start" or ",end" rule from the front of `spec`.
  static std::optional<Rule> parse_rule(std::string_view& spec);

  std::string name_;
  Duration std_offset_{0};  // added to UTC to get local standard time
  std::optional<Duration> dst_offset_;
  Rule dst_start_, dst_end_;
};

// Easter Sunday (Gregorian computus).
std::chrono::year_month_day easter_sunday(std::chrono::year year);

// French public holidays (jours fériés) of a year, in date order: 1 January,
// Easter Monday, 1 May, 8 May, Ascension, Whit Monday, 14 July, 15 August,
// 1 November, 11 November, 25 December; with alsace_moselle, Good Friday and
// 26 December too.
std::vector<std::chrono::year_month_day> french_public_holidays(std::chrono::year year,
                                                                bool alsace_moselle = false);

// Opening hours of a service: intervals per weekday in local time, closed on
// French public holidays (unless disabled) and on extra closed dates.
class BusinessCalendar {
 public:
  struct Interval {
    Duration open{0};   // since local midnight
    Duration close{0};  // after open, at most 24 h
  };

  // Always closed until intervals are added; Europe/Paris, French holidays.
  BusinessCalendar() : BusinessCalendar(TimeZone::europe_paris()) {}
  explicit BusinessCalendar(TimeZone zone) : zone_(std::move(zone)) {}

  // weekday: std::chrono::Monday .. Sunday. Refuses open >= close or close > 24 h
  // or an overlap with an interval already set for that day.
  Status add_interval(std::chrono::weekday day, Duration open, Duration close);
  void set_french_holidays(bool on, bool alsace_moselle = false);
  void add_closed_date(std::chrono::year_month_day date);

  // Parses "mon-fri 08:30-12:30,13:30-17:00; sat 09:00-12:00" (days: mon tue
  // wed thu fri sat sun, single or ranges; several intervals per group).
  static Result<BusinessCalendar> parse(std::string_view weekly_hours,
                                        TimeZone zone = TimeZone::europe_paris());

  const TimeZone& zone() const { return zone_; }
  // Closed all day: a French public holiday (when enabled) or an added closed date.
  bool is_holiday(std::chrono::year_month_day date) const;
  // A working day: not closed all day, and open at some hour that weekday
  // (Monday to Friday when no hours are set at all).
  bool is_working_day(std::chrono::year_month_day date) const;
  bool is_open(Time utc) const;
  // The next instant after `utc` at which is_open changes; none if it never
  // changes within 400 days (e.g. no intervals at all).
  std::optional<Time> next_change(Time utc) const;

 private:
  bool is_open_local(LocalTime local) const;
  // The first local time in (from, until) at which is_open_local differs from `open`.
  std::optional<LocalTime> next_local_change(LocalTime from, LocalTime until, bool open) const;

  TimeZone zone_;
  std::vector<Interval> week_[7];  // index: weekday c_encoding (0 = Sunday)
  bool french_holidays_ = true;
  bool alsace_moselle_ = false;
  std::vector<std::chrono::year_month_day> closed_dates_;  // kept sorted
};

// A span of time, [from, to).
struct Stretch {
  Time from{};
  Time to{};
  bool operator==(const Stretch&) const = default;
};

// When `calendar` is open within [from, to), in order.
std::vector<Stretch> open_stretches(const BusinessCalendar& calendar, Time from, Time to);
// The parts of `wanted` that no stretch of `had` covers (`had` in any
// order, overlapping or not), in order.
std::vector<Stretch> uncovered(const std::vector<Stretch>& wanted, std::vector<Stretch> had);

// The day an answer is due for a request received at `received`: the
// `days`-th working day after the day it came (in the calendar's zone), as
// a public service counts its deadline (0: that day).
std::chrono::year_month_day working_days_after(const BusinessCalendar& calendar, Time received,
                                               int days);

// "mardi 15 décembre 2026": a date as French people write it.
std::string french_date(std::chrono::year_month_day day);

// "2026-11-30" → that date; nothing for anything else (digits and dashes
// only: no spaces, no signs).
std::optional<std::chrono::year_month_day> parse_date(const std::string& text);
// The other way: "2026-11-30".
std::string date_text(std::chrono::year_month_day day);

}  // namespace guichet
