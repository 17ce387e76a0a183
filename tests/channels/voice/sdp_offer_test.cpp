#include "channels/voice/sdp_offer.h"

#include <gtest/gtest.h>

namespace guichet::voice {
namespace {

constexpr const char* kHead =
    "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\n";

TEST(Sdp, StaticG711WithoutRtpmapIsNamed) {
  // Legal (RFC 3551 assigns 0 and 8), and what many trunks send.
  const std::string sdp = normalise_sdp(std::string(kHead) + "m=audio 4000 RTP/AVP 8 0\r\n");
  EXPECT_NE(sdp.find("a=rtpmap:0 PCMU/8000\r\n"), std::string::npos) << sdp;
  EXPECT_NE(sdp.find("a=rtpmap:8 PCMA/8000\r\n"), std::string::npos) << sdp;
}

TEST(Sdp, NamedFormatsAndDynamicOnesAreLeftAsTheyAre) {
  const std::string offer = std::string(kHead) +
                            "m=audio 4000 RTP/AVP 96 101\r\na=rtpmap:96 PCMU/8000\r\n"
                            "a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-15\r\n";
  EXPECT_EQ(normalise_sdp(offer), offer);
}

TEST(Sdp, AMalformedRtpmapLineIsLeftOutNotTheOffer) {
  const std::string sdp = normalise_sdp(std::string(kHead) +
                                        "m=audio 4000 RTP/AVP 0 99\r\na=rtpmap:99 \r\n"
                                        "a=rtpmap:abc PCMU/8000\r\na=rtpmap:0 PCMU/8000\r\n");
  EXPECT_EQ(sdp.find("a=rtpmap:99"), std::string::npos) << sdp;
  EXPECT_EQ(sdp.find("a=rtpmap:abc"), std::string::npos) << sdp;
  EXPECT_NE(sdp.find("a=rtpmap:0 PCMU/8000"), std::string::npos);
}

TEST(Sdp, BareLineFeedsBecomeCrLf) {
  EXPECT_EQ(normalise_sdp("v=0\no=- 1 1 IN IP4 192.0.2.1\n"),
            "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\n");
}

TEST(Sdp, WhatIsNotSdpGivesNothing) {
  EXPECT_EQ(normalise_sdp(""), "");
  EXPECT_EQ(normalise_sdp("hello"), "");
  EXPECT_EQ(normalise_sdp("v=0\r\n" + std::string(17 * 1024, 'a')), "");
}

}  // namespace
}  // namespace guichet::voice
