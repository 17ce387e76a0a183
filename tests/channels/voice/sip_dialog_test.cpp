#include "channels/voice/sip_dialog.h"

#include <gtest/gtest.h>

namespace guichet::voice {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

SessionTimerRequest asking(std::uint32_t expires, bool supported, bool uac = false,
                           std::uint32_t min_se = 0) {
  SessionTimerRequest request;
  request.expires = expires;
  request.supported = supported;
  request.refresher_uac = uac;
  request.min_se = min_se;
  return request;
}

// RFC 4028 section 9 and its Table 2, as a trunk sees our 200.
TEST(SessionTimer, ACallersShorterIntervalIsKeptAndRefreshedAtItsHalf) {
  const SessionTimer timer = negotiate_session_timer(asking(600, true), seconds(1800));
  EXPECT_EQ(timer.expires, 600u);
  EXPECT_EQ(timer.refresh_every, milliseconds(300'000));  // not ours (900 s): it would expire
  EXPECT_EQ(timer.headers, "Session-Expires: 600;refresher=uas\r\nRequire: timer\r\n");
}

TEST(SessionTimer, OursIsAnnouncedWhenShorterNeverUnderMinSe) {
  EXPECT_EQ(negotiate_session_timer(asking(3600, true), seconds(1800)).expires, 1800u);
  const SessionTimer short_ours = negotiate_session_timer(asking(1800, true), seconds(4));
  EXPECT_EQ(short_ours.expires, 90u);                        // Min-SE
  EXPECT_EQ(short_ours.refresh_every, milliseconds(2'000));  // ours: more often is allowed
  const SessionTimer their_min =
      negotiate_session_timer(asking(1800, true, false, 1000), seconds(600));
  EXPECT_EQ(their_min.expires, 1000u);  // never under the caller's Min-SE
  EXPECT_EQ(their_min.refresh_every, milliseconds(300'000));
}

TEST(SessionTimer, TheRefresherIsTheCallerOnlyIfItAskedAndSupportsIt) {
  EXPECT_TRUE(negotiate_session_timer(asking(1800, true, true), seconds(1800)).refresher_uac);
  const SessionTimer unsupported =
      negotiate_session_timer(asking(1800, false, true), seconds(1800));
  EXPECT_FALSE(unsupported.refresher_uac);  // Table 2: uas, and no Require
  EXPECT_EQ(unsupported.headers, "Session-Expires: 1800;refresher=uas\r\n");
}

TEST(SessionTimer, NothingIsSaidToACallerThatAskedNothingButWeStillRefresh) {
  const SessionTimer timer = negotiate_session_timer(SessionTimerRequest{}, seconds(1800));
  EXPECT_TRUE(timer.headers.empty());
  EXPECT_EQ(timer.refresh_every, milliseconds(900'000));
  const SessionTimer supported = negotiate_session_timer(asking(0, true), seconds(1800));
  EXPECT_EQ(supported.headers, "Session-Expires: 1800;refresher=uas\r\nRequire: timer\r\n");
}

TEST(SessionTimer, TurnedOffSaysAndRefreshesNothing) {
  const SessionTimer timer = negotiate_session_timer(asking(1800, true, true), seconds(0));
  EXPECT_TRUE(timer.headers.empty());
  EXPECT_EQ(timer.refresh_every, milliseconds(0));
}

}  // namespace
}  // namespace guichet::voice
