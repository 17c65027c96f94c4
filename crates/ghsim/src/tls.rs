//! HTTPS for the simulator, as an Enterprise Server with its own certificate authority has:
//! a throwaway CA is generated at start, it signs a certificate for 127.0.0.1 and localhost,
//! and clients must be given the CA (`Sim::ca_pem`) to connect.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::{TcpListener, TcpStream};
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls::ServerConfig;
use tokio_rustls::rustls::pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};

/// A generated CA and the server configuration it vouches for.
pub struct Authority {
    pub ca_pem: String,
    pub server_config: Arc<ServerConfig>,
}

pub fn generate_authority() -> Result<Authority, String> {
    let err = |e: rcgen::Error| e.to_string();
    let ca_key = rcgen::KeyPair::generate().map_err(err)?;
    let mut ca_params = rcgen::CertificateParams::new(Vec::<String>::new()).map_err(err)?;
    ca_params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "ghsim test CA");
    ca_params.key_usages = vec![
        rcgen::KeyUsagePurpose::KeyCertSign,
        rcgen::KeyUsagePurpose::CrlSign,
    ];
    let ca_cert = ca_params.self_signed(&ca_key).map_err(err)?;
    let issuer = rcgen::Issuer::new(ca_params, ca_key);

    let server_key = rcgen::KeyPair::generate().map_err(err)?;
    let mut server_params =
        rcgen::CertificateParams::new(vec!["localhost".to_owned(), "127.0.0.1".to_owned()])
            .map_err(err)?;
    server_params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "ghsim");
    let server_cert = server_params.signed_by(&server_key, &issuer).map_err(err)?;

    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(server_key.serialize_der()));
    let server_config = ServerConfig::builder()
        .with_no_client_auth()
        .with_single_cert(vec![server_cert.der().clone()], key)
        .map_err(|e| e.to_string())?;
    Ok(Authority {
        ca_pem: ca_cert.pem(),
        server_config: Arc::new(server_config),
    })
}

/// A TCP listener that completes a TLS handshake before handing a connection to axum.
pub struct TlsListener {
    pub tcp: TcpListener,
    pub acceptor: TlsAcceptor,
}

impl axum::serve::Listener for TlsListener {
    type Io = tokio_rustls::server::TlsStream<TcpStream>;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        loop {
            let Ok((stream, addr)) = self.tcp.accept().await else {
                continue;
            };
            // A client that distrusts the certificate aborts the handshake; that is expected.
            if let Ok(Ok(tls)) =
                tokio::time::timeout(Duration::from_secs(5), self.acceptor.accept(stream)).await
            {
                return (tls, addr);
            }
        }
    }

    fn local_addr(&self) -> std::io::Result<Self::Addr> {
        self.tcp.local_addr()
    }
}
