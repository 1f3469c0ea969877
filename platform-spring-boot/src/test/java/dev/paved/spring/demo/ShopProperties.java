package dev.paved.spring.demo;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/** The service's own {@code @ConfigurationProperties}, validated by Spring beside Paved's sections. */
@Validated
@ConfigurationProperties("shop")
public class ShopProperties {
  @NotBlank private String currency = "EUR";
  @Min(1) private int pageSize = 10;

  public String getCurrency() {
    return currency;
  }

  public void setCurrency(String currency) {
    this.currency = currency;
  }

  public int getPageSize() {
    return pageSize;
  }

  public void setPageSize(int pageSize) {
    this.pageSize = pageSize;
  }
}
