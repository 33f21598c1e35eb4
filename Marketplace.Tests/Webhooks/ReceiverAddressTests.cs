using System.Net;
using Marketplace.Core.Webhooks;

namespace Marketplace.Tests.Webhooks;

public sealed class ReceiverAddressTests
{
    [TestCase("8.8.8.8", true)]
    [TestCase("1.1.1.1", true)]
    [TestCase("2606:4700:4700::1111", true)]
    [TestCase("64:ff9b::808:808", true, Description = "NAT64 of 8.8.8.8")]
    [TestCase("2002:808:808::1", true, Description = "6to4 of 8.8.8.8")]
    [TestCase("127.0.0.1", false)]
    [TestCase("10.0.0.1", false)]
    [TestCase("172.16.5.4", false)]
    [TestCase("192.168.1.1", false)]
    [TestCase("169.254.169.254", false)]
    [TestCase("100.64.0.1", false)]
    [TestCase("0.0.0.0", false)]
    [TestCase("192.0.0.1", false)]
    [TestCase("192.0.2.2", false)]
    [TestCase("192.88.99.1", false)]
    [TestCase("198.18.0.1", false)]
    [TestCase("198.51.100.1", false)]
    [TestCase("203.0.113.1", false)]
    [TestCase("224.0.0.1", false)]
    [TestCase("240.0.0.1", false)]
    [TestCase("255.255.255.255", false)]
    [TestCase("::", false)]
    [TestCase("::1", false)]
    [TestCase("::ffff:10.0.0.1", false)]
    [TestCase("::ffff:0:a00:1", false, Description = "SIIT form of 10.0.0.1")]
    [TestCase("64:ff9b::a9fe:a9fe", false, Description = "NAT64 of 169.254.169.254")]
    [TestCase("64:ff9b::7f00:1", false, Description = "NAT64 of 127.0.0.1")]
    [TestCase("64:ff9b:1::a00:1", false, Description = "local-use NAT64")]
    [TestCase("2002:a00:1::", false, Description = "6to4 of 10.0.0.1")]
    [TestCase("2001:0:a00:1::", false, Description = "Teredo")]
    [TestCase("2001:db8::1", false)]
    [TestCase("3fff::1", false)]
    [TestCase("100::1", false)]
    [TestCase("fd00::1", false)]
    [TestCase("fe80::1", false)]
    [TestCase("fec0::1", false)]
    [TestCase("ff02::1", false)]
    public void Only_globally_reachable_unicast_addresses_are_public(string address, bool expected) =>
        Assert.That(ReceiverAddress.IsPublic(IPAddress.Parse(address)), Is.EqualTo(expected), address);

    [TestCase("localhost", true)]
    [TestCase("LOCALHOST", true)]
    [TestCase("api.localhost", true)]
    [TestCase("vm", true, Description = "single-label: a local resolver's name, such as the server's own")]
    [TestCase("hooks.example.com", false)]
    [TestCase("8.8.8.8", false)]
    public void Local_and_single_label_names_are_no_receivers(string host, bool expected) =>
        Assert.That(ReceiverAddress.IsLocalName(host), Is.EqualTo(expected), host);

    [TestCase("https://localhost./hook", "localhost")]
    [TestCase("https://127.0.0.1./hook", "127.0.0.1")]
    [TestCase("https://[64:ff9b::a9fe:a9fe]/hook", "64:ff9b::a9fe:a9fe")]
    public void The_host_is_judged_without_a_trailing_dot_or_brackets(string url, string host) =>
        Assert.That(ReceiverAddress.NormalizedHost(new Uri(url)), Is.EqualTo(host));
}
