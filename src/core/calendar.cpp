// French public holidays and BusinessCalendar: opening hours in local time.
#include <algorithm>
#include <bitset>
#include <charconv>
#include <cstdio>

#include "core/calendar.h"

namespace guichet {
namespace {

using std::chrono::days;
using std::chrono::floor;
using std::chrono::hours;
using std::chrono::local_days;
using std::chrono::minutes;
using std::chrono::sys_days;
using std::chrono::weekday;
using std::chrono::year_month_day;

constexpr int kHorizonDays = 400;
constexpr const char* kHoursField = "weekly_hours";

struct FixedHoliday {
  unsigned month;
  unsigned day;
  bool alsace_moselle_only;
};
constexpr FixedHoliday kFixedHolidays[] = {
    {1, 1, false},  {5, 1, false},   {5, 8, false},   {7, 14, false}, {8, 15, false},
    {11, 1, false}, {11, 11, false}, {12, 25, false}, {12, 26, true},
};

struct EasterHoliday {
  int days_after_easter;
  bool alsace_moselle_only;
};
constexpr EasterHoliday kEasterHolidays[] = {
    {-2, true},   // Good Friday
    {1, false},   // Easter Monday
    {39, false},  // Ascension
    {50, false},  // Whit Monday
};

std::string_view trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(" \t") - first + 1);
}

// Pieces between separators, trimmed; "a,,b" gives an empty piece, which the
// callers refuse.
std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> pieces;
  for (;;) {
    const auto end = text.find(separator);
    pieces.push_back(trim(text.substr(0, end)));
    if (end == std::string_view::npos) return pieces;
    text.remove_prefix(end + 1);
  }
}

std::string clock_text(Duration since_midnight) {
  const auto total_minutes = floor<minutes>(since_midnight).count();
  const auto two_digits = [](long long n) { return (n < 10 ? "0" : "") + std::to_string(n); };
  return two_digits(total_minutes / 60) + ":" + two_digits(total_minutes % 60);
}

Error bad_hours(std::string_view text, std::string_view why) {
  return invalid_argument("\"" + std::string(text) + "\": " + std::string(why), kHoursField);
}

std::optional<weekday> weekday_named(std::string_view name) {
  static constexpr std::string_view kNames[] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};
  for (unsigned i = 0; i < 7; ++i) {
    // Case-insensitive ("Mon-Fri"): setting bit 5 lowers an ASCII letter.
    const bool same =
        name.size() == 3 && std::equal(name.begin(), name.end(), kNames[i].begin(),
                                       [](char a, char b) { return (a | 0x20) == b; });
    if (same) return weekday(i);
  }
  return std::nullopt;
}

// "mon", "mon-fri", "sat-mon" (ranges wrap around the week), or several
// separated by commas. Bit i is weekday c_encoding i.
Result<std::bitset<7>> parse_days(std::string_view text) {
  std::bitset<7> days_set;
  for (std::string_view item : split(text, ',')) {
    const auto dash = item.find('-');
    const auto first = weekday_named(item.substr(0, dash));
    const auto last = dash == std::string_view::npos ? first : weekday_named(item.substr(dash + 1));
    if (!first || !last) return bad_hours(item, "expected days like mon or mon-fri");
    for (weekday day = *first;; ++day) {
      days_set.set(day.c_encoding());
      if (day == *last) break;
    }
  }
  return days_set;
}

// "08:30" or "8:30"; "24:00" is the end of the day.
std::optional<Duration> parse_clock(std::string_view text) {
  const auto colon = text.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon > 2 || text.size() != colon + 3) {
    return std::nullopt;
  }
  const auto number = [](std::string_view digits) -> std::optional<int> {
    int value = 0;
    const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    const bool all_digits =
        std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (!all_digits || error != std::errc() || end != digits.data() + digits.size()) {
      return std::nullopt;
    }
    return value;
  };
  const auto h = number(text.substr(0, colon));
  const auto m = number(text.substr(colon + 1));
  if (!h || !m || *m > 59 || *h > 24 || (*h == 24 && *m != 0)) return std::nullopt;
  return hours(*h) + minutes(*m);
}

Result<BusinessCalendar::Interval> parse_interval(std::string_view text) {
  const auto dash = text.find('-');
  const auto open = parse_clock(trim(text.substr(0, dash)));
  const auto close =
      dash == std::string_view::npos ? std::nullopt : parse_clock(trim(text.substr(dash + 1)));
  if (!open || !close) return bad_hours(text, "expected hours like 08:30-12:30");
  return BusinessCalendar::Interval{*open, *close};
}

// One ';'-separated group: "mon-fri 08:30-12:30,13:30-17:00".
Status add_group(BusinessCalendar& calendar, std::string_view group) {
  const auto space = group.find_first_of(" \t");
  if (space == std::string_view::npos) return bad_hours(group, "expected days, then hours");
  const auto days_set = parse_days(group.substr(0, space));
  if (!days_set) return days_set.status();
  for (std::string_view text : split(group.substr(space), ',')) {
    const auto interval = parse_interval(text);
    if (!interval) return interval.status();
    for (unsigned day = 0; day < 7; ++day) {
      if (!days_set->test(day)) continue;
      Status added = calendar.add_interval(weekday(day), interval->open, interval->close);
      if (!added) return added;
    }
  }
  return Status::ok();
}

// First instant in (from, limit] at which the zone's offset differs from the
// one at `from`. Sampled daily then bisected: POSIX rules never change the
// offset twice within a day.
std::optional<Time> next_offset_change(const TimeZone& zone, Time from, Time limit) {
  const Duration offset = zone.offset_at(from);
  for (Time day_start = from; day_start < limit; day_start += days(1)) {
    Time before = day_start;
    Time after = std::min(Time(day_start + days(1)), limit);
    if (zone.offset_at(after) == offset) continue;
    while (after - before > Duration(1)) {
      const Time middle = before + (after - before) / 2;
      if (zone.offset_at(middle) == offset) {
        before = middle;
      } else {
        after = middle;
      }
    }
    return after;
  }
  return std::nullopt;
}

}  // namespace

std::chrono::year_month_day easter_sunday(std::chrono::year year) {
  // Anonymous Gregorian algorithm (Meeus/Jones/Butcher), for years from 1583.
  const int y = int(year);
  const int a = y % 19;
  const int b = y / 100;
  const int c = y % 100;
  const int d = b / 4;
  const int e = b % 4;
  const int f = (b + 8) / 25;
  const int g = (b - f + 1) / 3;
  const int h = (19 * a + b - d - g + 15) % 30;
  const int i = c / 4;
  const int k = c % 4;
  const int l = (32 + 2 * e + 2 * i - h - k) % 7;
  const int m = (a + 11 * h + 22 * l) / 451;
  const int n = h + l - 7 * m + 114;
  return year / std::chrono::month(static_cast<unsigned>(n / 31)) /
         std::chrono::day(static_cast<unsigned>(n % 31 + 1));
}

std::vector<std::chrono::year_month_day> french_public_holidays(std::chrono::year year,
                                                                bool alsace_moselle) {
  std::vector<year_month_day> holidays;
  for (const FixedHoliday& fixed : kFixedHolidays) {
    if (fixed.alsace_moselle_only && !alsace_moselle) continue;
    holidays.push_back(year / std::chrono::month(fixed.month) / std::chrono::day(fixed.day));
  }
  const sys_days easter(easter_sunday(year));
  for (const EasterHoliday& movable : kEasterHolidays) {
    if (movable.alsace_moselle_only && !alsace_moselle) continue;
    holidays.push_back(year_month_day(easter + days(movable.days_after_easter)));
  }
  // Ascension can fall on 1 or 8 May (as in 2008): one holiday, listed once.
  std::sort(holidays.begin(), holidays.end());
  holidays.erase(std::unique(holidays.begin(), holidays.end()), holidays.end());
  return holidays;
}

Status BusinessCalendar::add_interval(std::chrono::weekday day, Duration open, Duration close) {
  if (!day.ok()) return invalid_argument("not a weekday", "day");
  const std::string text = clock_text(open) + "-" + clock_text(close);
  if (open < Duration(0) || close > hours(24) || open >= close) {
    return invalid_argument(text + ": must open after 00:00, before closing, and close by 24:00",
                            "interval");
  }
  auto& intervals = week_[day.c_encoding()];
  const auto overlaps = [&](const Interval& other) {
    return open < other.close && other.open < close;
  };
  if (std::any_of(intervals.begin(), intervals.end(), overlaps)) {
    return invalid_argument(text + ": overlaps hours already set for that day", "interval");
  }
  // Kept sorted, so that a day's boundaries can be walked in order.
  const auto later = std::find_if(intervals.begin(), intervals.end(),
                                  [&](const Interval& other) { return other.open > open; });
  intervals.insert(later, Interval{open, close});
  return Status::ok();
}

void BusinessCalendar::set_french_holidays(bool on, bool alsace_moselle) {
  french_holidays_ = on;
  alsace_moselle_ = alsace_moselle;
}

void BusinessCalendar::add_closed_date(std::chrono::year_month_day date) {
  const auto at = std::lower_bound(closed_dates_.begin(), closed_dates_.end(), date);
  if (at == closed_dates_.end() || *at != date) closed_dates_.insert(at, date);
}

Result<BusinessCalendar> BusinessCalendar::parse(std::string_view weekly_hours, TimeZone zone) {
  if (trim(weekly_hours).empty()) return bad_hours(weekly_hours, "no opening hours");
  BusinessCalendar calendar(std::move(zone));
  for (std::string_view group : split(weekly_hours, ';')) {
    Status added = add_group(calendar, group);
    if (!added) return added;
  }
  return calendar;
}

bool BusinessCalendar::is_holiday(std::chrono::year_month_day date) const {
  if (std::binary_search(closed_dates_.begin(), closed_dates_.end(), date)) return true;
  if (!french_holidays_) return false;
  const auto holidays = french_public_holidays(date.year(), alsace_moselle_);
  return std::binary_search(holidays.begin(), holidays.end(), date);
}

bool BusinessCalendar::is_working_day(std::chrono::year_month_day date) const {
  if (is_holiday(date)) return false;
  const unsigned weekday_index = weekday(local_days(date)).c_encoding();
  const bool any_hours = std::any_of(std::begin(week_), std::end(week_),
                                     [](const std::vector<Interval>& day) { return !day.empty(); });
  if (!any_hours) return weekday_index >= 1 && weekday_index <= 5;
  return !week_[weekday_index].empty();
}

bool BusinessCalendar::is_open_local(LocalTime local) const {
  const local_days day = floor<days>(local);
  if (is_holiday(year_month_day(day))) return false;
  const Duration since_midnight = local - day;
  const auto& intervals = week_[weekday(day).c_encoding()];
  return std::any_of(intervals.begin(), intervals.end(), [&](const Interval& interval) {
    return interval.open <= since_midnight && since_midnight < interval.close;
  });
}

bool BusinessCalendar::is_open(Time utc) const {
  return is_open_local(zone_.to_local(utc));
}

std::optional<LocalTime> BusinessCalendar::next_local_change(LocalTime from, LocalTime until,
                                                             bool open) const {
  for (local_days day = floor<days>(from); day < until; day += days(1)) {
    // Openness only changes at midnight (holidays) and at interval edges,
    // visited here in increasing order since intervals are sorted.
    std::vector<Duration> boundaries{Duration(0)};
    for (const Interval& interval : week_[weekday(day).c_encoding()]) {
      boundaries.push_back(interval.open);
      boundaries.push_back(interval.close);
    }
    for (Duration boundary : boundaries) {
      const LocalTime at = day + boundary;
      if (at >= until) return std::nullopt;
      if (at > from && is_open_local(at) != open) return at;
    }
  }
  return std::nullopt;
}

std::optional<Time> BusinessCalendar::next_change(Time utc) const {
  const bool open = is_open(utc);
  const Time limit = utc + days(kHorizonDays);
  // Walk segments of constant UTC offset: within one, local time is a plain
  // shift of UTC; at its end the clock jumps (skipping or repeating local
  // times), which can itself open or close the service.
  for (Time from = utc; from < limit;) {
    const Duration offset = zone_.offset_at(from);
    const Time segment_end = next_offset_change(zone_, from, limit).value_or(limit);
    const auto change = next_local_change(LocalTime(from.time_since_epoch() + offset),
                                          LocalTime(segment_end.time_since_epoch() + offset), open);
    if (change) return Time(change->time_since_epoch() - offset);
    if (segment_end < limit && is_open(segment_end) != open) return segment_end;
    from = segment_end;
  }
  return std::nullopt;
}

// "2026-11-30" → that date; nothing for anything else.
std::optional<std::chrono::year_month_day> parse_date(const std::string& text) {
  int y = 0, m = 0, d = 0;
  char extra = 0;
  // Digits and dashes only: sscanf alone would skip spaces and take signs.
  if (text.empty() || text.size() > 10 ||
      text.find_first_not_of("0123456789-") != std::string::npos ||
      std::sscanf(text.c_str(), "%d-%d-%d%c", &y, &m, &d, &extra) != 3) {
    return std::nullopt;
  }
  const std::chrono::year_month_day day{std::chrono::year{y},
                                        std::chrono::month{static_cast<unsigned>(m)},
                                        std::chrono::day{static_cast<unsigned>(d)}};
  if (!day.ok()) return std::nullopt;
  return day;
}

std::string date_text(std::chrono::year_month_day day) {
  char text[16];
  std::snprintf(text, sizeof text, "%04d-%02u-%02u", static_cast<int>(day.year()),
                static_cast<unsigned>(day.month()), static_cast<unsigned>(day.day()));
  return text;
}

year_month_day working_days_after(const BusinessCalendar& calendar, Time received, int days) {
  local_days day = floor<std::chrono::days>(calendar.zone().to_local(received));
  // A calendar with no working day at all would never end: 3 years at most.
  for (int left = days, guard = 0; left > 0 && guard < 1100; ++guard) {
    day += std::chrono::days(1);
    if (calendar.is_working_day(year_month_day(day))) --left;
  }
  return year_month_day(day);
}

std::string french_date(year_month_day day) {
  static const char* const kDays[] = {"dimanche", "lundi",    "mardi", "mercredi",
                                      "jeudi",    "vendredi", "samedi"};
  static const char* const kMonths[] = {"janvier",   "février", "mars",     "avril",
                                        "mai",       "juin",    "juillet",  "août",
                                        "septembre", "octobre", "novembre", "décembre"};
  const unsigned weekday_index = weekday(local_days(day)).c_encoding();
  const unsigned month = static_cast<unsigned>(day.month());
  const unsigned date = static_cast<unsigned>(day.day());
  return std::string(kDays[weekday_index % 7]) + " " + (date == 1 ? "1er" : std::to_string(date)) +
         " " + kMonths[(month + 11) % 12] + " " + std::to_string(static_cast<int>(day.year()));
}

std::vector<Stretch> open_stretches(const BusinessCalendar& calendar, Time from, Time to) {
  std::vector<Stretch> out;
  Time at = from;
  bool open = calendar.is_open(at);
  while (at < to) {
    auto change = calendar.next_change(at);
    const Time until = change && *change < to ? *change : to;
    if (open) out.push_back({at, until});
    if (!change) break;
    at = until;
    open = !open;
  }
  return out;
}

std::vector<Stretch> uncovered(const std::vector<Stretch>& wanted, std::vector<Stretch> had) {
  std::sort(had.begin(), had.end(),
            [](const Stretch& a, const Stretch& b) { return a.from < b.from; });
  std::vector<Stretch> out;
  for (const Stretch& w : wanted) {
    Time at = w.from;
    for (const Stretch& h : had) {
      if (h.to <= at) continue;
      if (h.from >= w.to) break;
      if (h.from > at) out.push_back({at, h.from});
      at = std::max(at, h.to);
      if (at >= w.to) break;
    }
    if (at < w.to) out.push_back({at, w.to});
  }
  return out;
}

}  // namespace guichet
