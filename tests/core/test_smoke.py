def test_seller_sees_own_vendor_only(client, seller_a, vendor_a, vendor_b):
    client.force_login(seller_a)
    response = client.get("/admin/vendors/vendor/")
    assert response.status_code == 200
    assert "Alpha Store" in response.text
    assert "Bravo Boutique" not in response.text
