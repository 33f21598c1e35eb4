using System.Net;
using Marketplace.Api.Webhooks;

namespace Marketplace.Tests.Webhooks;

/// <summary>The webhook client's connect step on real sockets: what it refuses, and what a delivery record then says.</summary>
public sealed class ReceiverConnectorTests
{
    [TestCase("http://localhost:9/hook")]
    [TestCase("http://127.0.0.1:9/hook")]
    [TestCase("http://[::1]:9/hook")]
    [TestCase("http://no-such-receiver.invalid/hook")]
    public async Task Internal_and_unresolvable_receivers_are_refused_alike_without_network_details(string url)
    {
        using var client = new HttpClient(new SocketsHttpHandler { ConnectCallback = ReceiverConnector.ConnectAsync });
        var failure = Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync(url));
        Assert.That(failure!.InnerException, Is.InstanceOf<ReceiverRefusedException>());
        Assert.That(WebhookDispatcher.FailureText(failure, TimeSpan.FromSeconds(4)), Is.EqualTo("接收地址未解析到可用的公网地址 (the receiver's name resolves to no public address)"));
    }

    [Test]
    public void Other_connection_failures_name_no_host_or_port()
    {
        var refused = new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused (vm:5399)", new IOException("Connection refused"));
        Assert.That(WebhookDispatcher.FailureText(refused, TimeSpan.FromSeconds(4)), Is.EqualTo("连接失败 (connection failed)"));
        var tls = new HttpRequestException(HttpRequestError.SecureConnectionError, "The SSL connection could not be established");
        Assert.That(WebhookDispatcher.FailureText(tls, TimeSpan.FromSeconds(4)), Is.EqualTo("TLS 握手失败 (TLS handshake failed)"));
    }

    [Test]
    public void The_hosts_own_interface_addresses_are_known_and_refused()
    {
        var own = System.Net.NetworkInformation.NetworkInterface.GetAllNetworkInterfaces()
            .SelectMany(i => i.GetIPProperties().UnicastAddresses).Select(u => u.Address).ToArray();
        Assert.That(own, Is.Not.Empty);
        Assert.Multiple(() =>
        {
            foreach (var address in own)
            {
                // Asked twice: the second answer comes from the cache.
                Assert.That(ReceiverConnector.IsOwnAddress(address) && ReceiverConnector.IsOwnAddress(address), Is.True, address.ToString());
            }
            Assert.That(ReceiverConnector.IsOwnAddress(IPAddress.Parse("8.8.8.8")), Is.False);
        });
    }
}
