New-AcceptedDomain -Name "johanveldhuis.nl" -DomainName johanveldhuis.nl -DomainType InternalRelay
New-SendConnector -Name "johanveldhuis.nl" -Internal -AddressSpace johanveldhuis.nl -DnsRoutingEnabled $false -SmartHosts 192.168.0.52 -SmartHostAuthMechanism ExternalAuthoritative -MaxMessageSize 20MB
